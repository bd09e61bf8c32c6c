using Microsoft.Extensions.Options;
using StripeCdc.Configuration;
using StripeCdc.Snapshot.Hosting;
using StripeCdc.StripeApi;

namespace StripeCdc.Snapshot.Reconciliation;

/// <summary>
/// Runs a reconciliation of every source that has a <c>StripeApiKey</c> once per <c>Interval</c>, over the
/// last <c>Window</c>, the first one an interval after start. Runs never overlap: a tick that finds the
/// previous run still going is skipped. The runs are ordinary jobs (<c>GET /reconciliations/{id}</c>).
/// </summary>
internal sealed partial class ReconciliationScheduler(
    JobRegistry jobs,
    SourceCatalog sources,
    IOptions<ReconciliationOptions> options,
    TimeProvider time,
    ILogger<ReconciliationScheduler> logger) : BackgroundService
{
    private PeriodicTimer? _timer;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Made here, not in ExecuteAsync (which runs in the background): the first run is due one interval after start.
        var interval = options.Value.Interval;
        _timer = interval > TimeSpan.Zero ? new PeriodicTimer(interval, time) : null;
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_timer is null)
        {
            LogOff();
            return;
        }

        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken))
            {
                await RunOnceAsync(options.Value.Window);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunOnceAsync(TimeSpan window)
    {
        foreach (var source in sources.All.Where(StripeApiClients.CanCall))
        {
            var (job, error) = jobs.StartReconciliation(source.Name, time.GetUtcNow() - window, to: null, onlyFailedDeliveries: false);
            if (job is null)
            {
                LogNotStarted(source.Name, error);
                continue;
            }

            LogStarted(source.Name, job.Id);
            await jobs.CompletionOf(job.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled reconciliation is off (StripeCdc:Reconciliation:Interval=0).")]
    private partial void LogOff();

    [LoggerMessage(Level = LogLevel.Information, Message = "Source '{Source}': scheduled reconciliation {JobId} started.")]
    private partial void LogStarted(string source, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source '{Source}': scheduled reconciliation not started: {Error}")]
    private partial void LogNotStarted(string source, string? error);
}
