using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Reconciliation;

namespace StripeCdc.Snapshot.Admin;

/// <summary>
/// <c>POST /snapshots</c>: which source and resources (all that can be snapshotted when empty), and whether to
/// prune after each complete listing (<c>snapshot --prune</c>).
/// </summary>
internal sealed record SnapshotRequest(string? Source, IReadOnlyList<string>? Resources, bool Restart = false, bool Prune = false);

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

/// <summary>A snapshot's progress; <c>resources</c> maps each resource name to its progress, in the job's order.</summary>
internal sealed record SnapshotView(string Id, string Source, string State, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, long Objects, IReadOnlyDictionary<string, ResourceProgressView> Resources, bool Prune = false, long Pruned = 0)
{
    public static SnapshotView From(SnapshotJob job) => new(
        job.Id,
        job.Source,
        job.State.ToString(),
        job.CreatedAt,
        job.FinishedAt,
        job.Objects,
        job.Resources.ToDictionary(r => r.Resource, ResourceProgressView.From, StringComparer.Ordinal),
        job.Prune,
        job.Pruned);
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
