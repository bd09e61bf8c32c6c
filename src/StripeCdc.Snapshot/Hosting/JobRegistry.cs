using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StripeCdc.Checkpoints;
using StripeCdc.Configuration;
using StripeCdc.Snapshot.Checkpoints;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Reconciliation;
using StripeCdc.Snapshot.Snapshots;

namespace StripeCdc.Snapshot.Hosting;

/// <summary>
/// The worker's snapshot and reconciliation jobs: started in the background, looked up by id. At most
/// one snapshot per source and scope runs at a time (two would race for the same checkpoints): one of the
/// platform's own objects, and any number of per-account ones whose accounts do not overlap.
/// </summary>
internal sealed partial class JobRegistry(
    SourceCatalog sources,
    SnapshotRunner snapshots,
    SnapshotPruner pruner,
    Reconciler reconciler,
    ICheckpointStore checkpoints,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<JobRegistry> logger)
{
    private readonly ConcurrentDictionary<string, SnapshotJob> _snapshots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ReconciliationJob> _reconciliations = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    public IEnumerable<SnapshotJob> Snapshots => _snapshots.Values.OrderBy(j => j.CreatedAt);

    public SnapshotJob? FindSnapshot(string id) => _snapshots.GetValueOrDefault(id);

    public ReconciliationJob? FindReconciliation(string id) => _reconciliations.GetValueOrDefault(id);

    public IEnumerable<ReconciliationJob> Reconciliations => _reconciliations.Values;

    /// <summary>Completes when the job has ended (it never throws: a job reports its own failure).</summary>
    public Task CompletionOf(string id) => _running.GetValueOrDefault(id) ?? Task.CompletedTask;

    /// <summary>Validates and starts a snapshot; returns null and an error when it cannot start.</summary>
    public (SnapshotJob? Job, string? Error) StartSnapshot(string sourceName, IReadOnlyList<string>? resources, bool restart, bool prune = false, IReadOnlyList<string>? accounts = null)
    {
        if (sources.Find(sourceName) is not { } source)
        {
            return (null, $"No source named '{sourceName}'.");
        }

        if (!StripeApi.StripeApiClients.CanCall(source))
        {
            return (null, $"Source '{sourceName}' has no StripeApiKey.");
        }

        if (prune && !pruner.CanPrune)
        {
            return (null, SnapshotPruner.NoInventory);
        }

        if (CheckAccounts(source, accounts, prune) is { } accountsError)
        {
            return (null, accountsError);
        }

        var selected = resources is { Count: > 0 } ? SnapshotResource.Expand(resources) : SnapshotServiceCollectionExtensions.DefaultResources(source);
        if (selected.FirstOrDefault(r => SnapshotResource.Find(r) is null) is { } unknown)
        {
            return (null, $"'{unknown}' cannot be snapshotted; 'snapshot resources' lists the resources that can.");
        }

        if (Running(source.Name).FirstOrDefault(j => Overlaps(j.AccountsRequested, accounts)) is { } running)
        {
            return (null, running.PerAccount
                ? $"A snapshot of source '{source.Name}' that covers these accounts is already running ({running.Id})."
                : $"A snapshot of source '{source.Name}' is already running.");
        }

        var job = new SnapshotJob("snap_" + Guid.NewGuid().ToString("N")[..16], source.Name, [.. selected.Select(r => SnapshotResource.Find(r)!.Name)], restart, time, prune, accounts);
        _snapshots[job.Id] = job;
        Track(job.Id, snapshots.RunAsync(job, lifetime.ApplicationStopping));
        return (job, null);
    }

    /// <summary>True while a snapshot that reads <paramref name="account"/> of the source is pending or running.</summary>
    public bool IsAccountBusy(string sourceName, string account) =>
        Running(sourceName).Any(j => Overlaps(j.AccountsRequested, [account]));

    private IEnumerable<SnapshotJob> Running(string sourceName) =>
        _snapshots.Values.Where(j => j.Source.Equals(sourceName, StringComparison.OrdinalIgnoreCase) && j.State is JobState.Pending or JobState.Running);

    /// <summary>Whether two jobs' scopes meet: the platform's with the platform's; accounts with accounts when one is <c>all</c> or they share one.</summary>
    private static bool Overlaps(IReadOnlyList<string>? running, IReadOnlyList<string>? requested)
    {
        if (running is not { Count: > 0 } || requested is not { Count: > 0 })
        {
            return running is not { Count: > 0 } && requested is not { Count: > 0 };
        }

        return IsAll(running) || IsAll(requested) || running.Intersect(requested, StringComparer.Ordinal).Any();

        static bool IsAll(IReadOnlyList<string> accounts) =>
            accounts.Any(a => a.Equals(SnapshotRunner.AllAccounts, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// What is wrong with <c>--accounts</c> (SPEC §12), or null: only a Connect source has connected accounts; each entry
    /// is <c>all</c> or an <c>acct_…</c> id; pruning per account is not done.
    /// </summary>
    public static string? CheckAccounts(SourceSettings source, IReadOnlyList<string>? accounts, bool prune)
    {
        if (accounts is not { Count: > 0 })
        {
            return null;
        }

        if (!source.Options.Connect)
        {
            return $"--accounts needs a Connect source: source '{source.Name}' is not one (set StripeCdc:Sources:{source.Name}:Connect=true for a Connect platform's endpoint).";
        }

        if (accounts.FirstOrDefault(a => !a.Equals(SnapshotRunner.AllAccounts, StringComparison.OrdinalIgnoreCase) && !CheckpointScope.IsAccountId(a)) is { } bad)
        {
            return $"'{bad}' is not a connected account id (acct_…) or 'all'.";
        }

        return prune ? "--prune does not run with --accounts: a connected account's objects are not pruned yet." : null;
    }

    public (ReconciliationJob? Job, string? Error) StartReconciliation(string sourceName, DateTimeOffset? from, DateTimeOffset? to, bool onlyFailedDeliveries, string? account = null)
    {
        if (sources.Find(sourceName) is not { } source)
        {
            return (null, $"No source named '{sourceName}'.");
        }

        if (from is { } start && to is { } end && start >= end)
        {
            return (null, "'from' must be before 'to'.");
        }

        var job = new ReconciliationJob(
            "recon_" + Guid.NewGuid().ToString("N")[..16],
            source.Name,
            from ?? time.GetUtcNow().AddDays(-1),
            to,
            onlyFailedDeliveries,
            account);
        _reconciliations[job.Id] = job;
        Track(job.Id, reconciler.RunAsync(job, lifetime.ApplicationStopping));
        return (job, null);
    }

    /// <summary>Starts again the snapshots a previous process left unfinished (found in the checkpoints).</summary>
    public void ResumeUnfinished()
    {
        List<(string Source, ResourceCheckpoint Checkpoint)> stored;
        try
        {
            stored = [.. checkpoints.LoadAll()];
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Text.Json.JsonException)
        {
            // The worker still serves its API; a snapshot started later reports the store's error itself.
            LogCheckpointsUnreadable(ex.Message);
            return;
        }

        // A connected account's checkpoints (scope <source>/<acct_…>) resume as one --accounts job per source.
        foreach (var group in stored.Where(c => !c.Checkpoint.Completed).GroupBy(c => CheckpointScope.Parse(c.Source), ScopeComparer.Instance))
        {
            var resources = group.Select(c => c.Checkpoint.Resource).Distinct(StringComparer.Ordinal).ToList();
            var accounts = group.Key.Account is null ? null : group.Select(c => CheckpointScope.Parse(c.Source).Account!).Distinct(StringComparer.Ordinal).ToList();
            var (job, error) = StartSnapshot(group.Key.Source, resources, restart: false, accounts: accounts);
            if (job is not null)
            {
                LogResumed(group.Key.Source, job.Id, string.Join(",", resources) + (accounts is null ? "" : " of " + string.Join(",", accounts)));
            }
            else
            {
                LogNotResumed(group.Key.Source, error);
            }
        }
    }

    public Task WhenAllAsync() => Task.WhenAll(_running.Values);

    private void Track(string id, Task task) => _running[id] = task;

    /// <summary>Groups scopes by source, the platform's apart from its connected accounts'.</summary>
    private sealed class ScopeComparer : IEqualityComparer<(string Source, string? Account)>
    {
        public static readonly ScopeComparer Instance = new();

        public bool Equals((string Source, string? Account) x, (string Source, string? Account) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Source, y.Source) && (x.Account is null) == (y.Account is null);

        public int GetHashCode((string Source, string? Account) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Source), obj.Account is null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Source '{Source}': resuming unfinished snapshot as {JobId} ({Resources}).")]
    private partial void LogResumed(string source, string jobId, string resources);

    [LoggerMessage(Level = LogLevel.Error, Message = "The snapshot checkpoints could not be read, so no unfinished snapshot is resumed: {Error}")]
    private partial void LogCheckpointsUnreadable(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source '{Source}': an unfinished snapshot could not be resumed: {Error}")]
    private partial void LogNotResumed(string source, string? error);
}
