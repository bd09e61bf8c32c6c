using Microsoft.Extensions.Options;
using StripeCdc.Configuration;
using StripeCdc.Snapshot.Hosting;
using StripeCdc.StripeApi;

namespace StripeCdc.Snapshot.Reconciliation;

/// <summary>
/// Runs a reconciliation of every source that has a <c>StripeApiKey</c> once per <c>Interval</c>, over the
/// last <c>Window</c>, the first one an interval after start. Runs never overlap: a tick that finds the
/// previous run still going is skipped. The runs are ordinary jobs (<c>GET /reconciliations/{id}</c>).
/// On a <c>Connect</c> source each connected account (from <c>/v1/accounts</c>) gets its own run too,
/// spread over the interval: with N accounts one starts every <c>Interval/N</c>, a steady trickle rather
/// than an hourly burst (SPEC §12).
/// </summary>
internal sealed partial class ReconciliationScheduler(
    JobRegistry jobs,
    SourceCatalog sources,
    IOptions<ReconciliationOptions> options,
    TimeProvider time,
    ILogger<ReconciliationScheduler> logger,
    Reconciler? reconciler = null) : BackgroundService
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
                await RunOnceAsync(options.Value.Window, options.Value.Interval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>When each of <paramref name="count"/> accounts starts, after the interval's beginning: evenly, <c>interval/count</c> apart.</summary>
    internal static IReadOnlyList<TimeSpan> Spread(int count, TimeSpan interval) =>
        [.. Enumerable.Range(0, count).Select(k => interval * k / count)];

    private async Task RunOnceAsync(TimeSpan window, TimeSpan interval, CancellationToken stoppingToken)
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

        foreach (var source in sources.All.Where(s => s.Options.Connect && StripeApiClients.CanCall(s)))
        {
            await RunAccountsAsync(source, window, interval, stoppingToken);
        }
    }

    /// <summary>One run per connected account, started <c>interval/N</c> apart; waits for the last to end.</summary>
    private async Task RunAccountsAsync(SourceSettings source, TimeSpan window, TimeSpan interval, CancellationToken stoppingToken)
    {
        if (reconciler is null)
        {
            return;
        }

        IReadOnlyList<string> accounts;
        try
        {
            accounts = await reconciler.ListAccountsAsync(source, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAccountsNotListed(ex, source.Name);
            return;
        }

        var begun = time.GetUtcNow();
        var started = new List<Task>(accounts.Count);
        var offsets = Spread(accounts.Count, interval);
        for (var k = 0; k < accounts.Count; k++)
        {
            var due = begun + offsets[k] - time.GetUtcNow();
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, time, stoppingToken);
            }

            var (job, error) = jobs.StartReconciliation(source.Name, time.GetUtcNow() - window, to: null, onlyFailedDeliveries: false, account: accounts[k]);
            if (job is null)
            {
                LogNotStarted(source.Name, error);
                continue;
            }

            started.Add(jobs.CompletionOf(job.Id));
        }

        await Task.WhenAll(started);
        LogAccountsReconciled(source.Name, accounts.Count, interval);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled reconciliation is off (StripeCdc:Reconciliation:Interval=0).")]
    private partial void LogOff();

    [LoggerMessage(Level = LogLevel.Information, Message = "Source '{Source}': scheduled reconciliation {JobId} started.")]
    private partial void LogStarted(string source, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source '{Source}': connected accounts could not be listed for reconciliation.")]
    private partial void LogAccountsNotListed(Exception exception, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source '{Source}': reconciled {Accounts} connected accounts, spread over {Interval}.")]
    private partial void LogAccountsReconciled(string source, int accounts, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source '{Source}': scheduled reconciliation not started: {Error}")]
    private partial void LogNotStarted(string source, string? error);
}
