using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Reconciliation;

namespace StripeCdc.Snapshot.Admin;

/// <summary>
/// <c>POST /snapshots</c>: which source and resources (all that can be snapshotted when empty), whether to
/// prune after each complete listing (<c>snapshot --prune</c>), and on a Connect source which connected accounts
/// (<c>["all"]</c> or ids; <c>snapshot --accounts</c>).
/// </summary>
internal sealed record SnapshotRequest(string? Source, IReadOnlyList<string>? Resources, bool Restart = false, bool Prune = false, IReadOnlyList<string>? Accounts = null);

/// <summary>
/// <c>POST /reconciliations</c>: the window — <c>from</c>/<c>to</c>, or the last <c>hours</c> (default 24) —
/// and whether to list only failed deliveries.
/// </summary>
internal sealed record ReconciliationRequest(string? Source, DateTimeOffset? From, DateTimeOffset? To, double? Hours = null, bool OnlyFailedDeliveries = false, string? Account = null);

internal sealed record ResourceProgressView(string Resource, string State, long Objects, long Pages, long ResumedFrom, double ObjectsPerSecond, double ElapsedSeconds, string? Error, long Pruned = 0)
{
    public static ResourceProgressView From(ResourceProgress progress) => new(
        progress.Resource,
        progress.State.ToString(),
        progress.Objects,
        progress.Pages,
        progress.ResumedFrom,
        Math.Round(progress.ObjectsPerSecond, 1),
        Math.Round(progress.Elapsed.TotalSeconds, 3),
        progress.Error,
        progress.Pruned);
}

/// <summary>
/// A <c>--accounts</c> job's accounts: what it was asked for (<c>["all"]</c> or the ids, so a new account's
/// backfill can be told apart), how many, how many are done (every resource ended), which are in progress
/// (with their resources' progress), and which failed.
/// </summary>
internal sealed record AccountsView(int Total, int Done, int Failed, IReadOnlyDictionary<string, IReadOnlyDictionary<string, ResourceProgressView>> InProgress, IReadOnlyList<string> FailedAccounts, IReadOnlyList<string> Requested)
{
    public static AccountsView? From(SnapshotJob job)
    {
        if (!job.PerAccount)
        {
            return null;
        }

        var accounts = job.Accounts;
        var failed = accounts.Where(a => a.IsFinished && a.State != JobState.Completed).Select(a => a.Account).ToList();
        return new(
            accounts.Count,
            accounts.Count(a => a.IsFinished),
            failed.Count,
            accounts.Where(a => a.State == JobState.Running).ToDictionary(
                a => a.Account,
                a => (IReadOnlyDictionary<string, ResourceProgressView>)a.Resources.ToDictionary(r => r.Resource, ResourceProgressView.From, StringComparer.Ordinal),
                StringComparer.Ordinal),
            failed,
            job.AccountsRequested ?? []);
    }
}

/// <summary>
/// A snapshot's progress; <c>resources</c> maps each resource name to its progress, in the job's order (the
/// platform's; a <c>--accounts</c> job reports its accounts in <c>accounts</c>, and its resources summed over them).
/// </summary>
internal sealed record SnapshotView(string Id, string Source, string State, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, long Objects, IReadOnlyDictionary<string, ResourceProgressView> Resources, bool Prune = false, long Pruned = 0, AccountsView? Accounts = null, string? Error = null)
{
    public static SnapshotView From(SnapshotJob job) => new(
        job.Id,
        job.Source,
        job.State.ToString(),
        job.CreatedAt,
        job.FinishedAt,
        job.Objects,
        job.PerAccount ? SummedOverAccounts(job) : job.Resources.ToDictionary(r => r.Resource, ResourceProgressView.From, StringComparer.Ordinal),
        job.Prune,
        job.Pruned,
        AccountsView.From(job),
        job.Error);

    private static Dictionary<string, ResourceProgressView> SummedOverAccounts(SnapshotJob job) =>
        job.Resources.ToDictionary(
            r => r.Resource,
            r =>
            {
                var all = job.Accounts.Select(a => a.Resources.First(x => x.Resource == r.Resource)).ToList();
                var state = all.Count == 0 ? (job.State == JobState.Failed ? JobState.Failed : JobState.Pending)
                    : all.Any(x => x.State == JobState.Running) || (all.Any(x => x.IsFinished) && !all.All(x => x.IsFinished)) ? JobState.Running
                    : all.All(x => x.State == JobState.Completed) ? JobState.Completed
                    : all.All(x => x.State == JobState.Pending) ? JobState.Pending
                    : all.Any(x => x.State == JobState.Failed) ? JobState.Failed
                    : JobState.Cancelled;
                return new ResourceProgressView(
                    r.Resource,
                    state.ToString(),
                    all.Sum(x => x.Objects),
                    all.Sum(x => x.Pages),
                    all.Sum(x => x.ResumedFrom),
                    Math.Round(all.Sum(x => x.ObjectsPerSecond), 1),
                    Math.Round(all.Count == 0 ? 0 : all.Max(x => x.Elapsed.TotalSeconds), 3),
                    all.Select(x => x.Error).FirstOrDefault(e => e is not null),
                    all.Sum(x => x.Pruned));
            },
            StringComparer.Ordinal);
}

internal sealed record ReconciliationView(
    string Id,
    string Source,
    string State,
    DateTimeOffset From,
    DateTimeOffset? To,
    bool OnlyFailedDeliveries,
    long Listed,
    long Delivered,
    long AlreadyCommitted,
    long DeadLettered,
    long AlreadyDeadLettered,
    long Skipped,
    string? Error,
    string? Account)
{
    public static ReconciliationView Of(ReconciliationJob job) => new(
        job.Id,
        job.Source,
        job.State.ToString(),
        job.From,
        job.To,
        job.OnlyFailedDeliveries,
        job.Listed,
        job.Delivered,
        job.AlreadyCommitted,
        job.DeadLettered,
        job.AlreadyDeadLettered,
        job.Skipped,
        job.Error,
        job.Account);
}
