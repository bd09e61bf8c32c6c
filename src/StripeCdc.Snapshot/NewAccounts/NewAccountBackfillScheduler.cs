using StripeCdc.Checkpoints;
using StripeCdc.Configuration;
using StripeCdc.Connect;
using StripeCdc.Snapshot.Hosting;

namespace StripeCdc.Snapshot.NewAccounts;

/// <summary>
/// <c>ConnectBackfillNewAccounts</c> (SPEC §12), the worker's half: every second it reads the backfill requests the
/// ingest stored since the last read, and starts an ordinary <c>--accounts</c> snapshot (all of the source's
/// resources) of each requested account that has no checkpoint yet and no snapshot reading it. The account's
/// checkpoints make that once: after a restart, an account with checkpoints is not read again (an unfinished
/// one is resumed as any interrupted snapshot is). An account a running snapshot reads waits for it and is then
/// judged by its checkpoints.
/// </summary>
internal sealed partial class NewAccountBackfillScheduler(
    SourceCatalog sources,
    JobRegistry jobs,
    ICheckpointStore checkpoints,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<NewAccountBackfillScheduler> logger,
    IAccountBackfillRequests? requests = null) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often every request is read again: a Postgres row numbered before one already read can commit after it,
    /// and reading on from the last number would pass it by.
    /// </summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly Dictionary<(string Source, string Account), AccountBackfillRequest> _pending = [];
    private readonly HashSet<(string Source, string Account)> _handled = [];
    private readonly HashSet<(string Source, string Account)> _warned = [];
    private long _position;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (requests is null || !sources.All.Any(s => s.Options.ConnectBackfillNewAccounts))
        {
            return;
        }

        // After start-up, so unfinished snapshots are resumed (and their accounts have checkpoints) first.
        await WhenStartedAsync(stoppingToken);
        var lastSweep = time.GetUtcNow();
        using var timer = new PeriodicTimer(PollInterval, time);
        do
        {
            try
            {
                var sweep = time.GetUtcNow() - lastSweep >= SweepInterval;
                if (sweep)
                {
                    lastSweep = time.GetUtcNow();
                }

                await ReadAsync(sweep ? 0 : _position, stoppingToken);
                await ScheduleAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ex is not OutOfMemoryException)
            {
                LogPollFailed(ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
    }

    private async Task ReadAsync(long position, CancellationToken cancellationToken)
    {
        foreach (var request in await requests!.ReadAsync(position, cancellationToken))
        {
            _position = Math.Max(_position, request.Position);
            var key = (request.Source, request.Account);
            if (!_handled.Contains(key))
            {
                _pending.TryAdd(key, request);
            }
        }
    }

    private async Task ScheduleAsync(CancellationToken cancellationToken)
    {
        foreach (var group in _pending.Values.GroupBy(r => r.Source, StringComparer.Ordinal).ToList())
        {
            if (sources.Find(group.Key) is not { Options: { Connect: true, ConnectBackfillNewAccounts: true } } source)
            {
                // Another deployment's source, or one switched off here: not this worker's to backfill.
                Forget(group);
                continue;
            }

            var resources = SnapshotServiceCollectionExtensions.DefaultResources(source);
            var ready = new List<string>();
            foreach (var request in group)
            {
                if (await HasCheckpointAsync(source.Name, request.Account, resources, cancellationToken))
                {
                    Forget([request]);
                }
                else if (!jobs.IsAccountBusy(source.Name, request.Account))
                {
                    ready.Add(request.Account);
                }
            }

            if (ready.Count > 0)
            {
                Start(source.Name, ready);
            }
        }
    }

    private void Start(string source, List<string> accounts)
    {
        var (job, error) = jobs.StartSnapshot(source, resources: null, restart: false, accounts: accounts);
        if (job is null)
        {
            // Kept pending: a snapshot started meanwhile ends, or the setting that was missing is added.
            foreach (var account in accounts.Where(a => _warned.Add((source, a))))
            {
                LogNotScheduled(source, account, error);
            }

            return;
        }

        foreach (var account in accounts)
        {
            _pending.Remove((source, account));
            _handled.Add((source, account));
            LogScheduled(source, account, job.Id);
        }
    }

    private void Forget(IEnumerable<AccountBackfillRequest> handled)
    {
        foreach (var request in handled)
        {
            _pending.Remove((request.Source, request.Account));
            _handled.Add((request.Source, request.Account));
        }
    }

    /// <summary>Whether any of the account's resources has a checkpoint: it was backfilled, or is being, or was interrupted (and resumes).</summary>
    private async Task<bool> HasCheckpointAsync(string source, string account, IReadOnlyList<string> resources, CancellationToken cancellationToken)
    {
        var scope = CheckpointScope.Of(source, account);
        foreach (var resource in resources)
        {
            if (await checkpoints.LoadAsync(scope, resource, cancellationToken) is not null)
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Source '{Source}': connected account {Account} is new; its backfill is scheduled as {JobId}.")]
    private partial void LogScheduled(string source, string account, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source '{Source}': the backfill of new connected account {Account} cannot start yet: {Error}")]
    private partial void LogNotScheduled(string source, string account, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The backfill requests of new connected accounts could not be read: {Error}")]
    private partial void LogPollFailed(string error);
}
