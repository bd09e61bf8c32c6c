namespace StripeCdc.Snapshot.Progress;

/// <summary>A snapshot request being carried out: its resources' progress and its overall state.</summary>
internal sealed class SnapshotJob(string id, string source, IReadOnlyList<string> resources, bool restart, TimeProvider time, bool prune = false)
{
    public string Id { get; } = id;

    public string Source { get; } = source;

    /// <summary>Ignore stored cursors and read everything again.</summary>
    public bool Restart { get; } = restart;

    /// <summary>After each complete listing, write deletes for held objects Stripe no longer has (<c>--prune</c>).</summary>
    public bool Prune { get; } = prune;

    public long Pruned => Resources.Sum(r => r.Pruned);

    public DateTimeOffset CreatedAt { get; } = time.GetUtcNow();

    public DateTimeOffset? FinishedAt { get; private set; }

    public IReadOnlyList<ResourceProgress> Resources { get; } = [.. resources.Select(r => new ResourceProgress(r, time))];

    public JobState State { get; private set; } = JobState.Pending;

    public long Objects => Resources.Sum(r => r.Objects);

    public void Start() => State = JobState.Running;

    public void Finish(bool cancelled)
    {
        FinishedAt = time.GetUtcNow();
        State = cancelled ? JobState.Cancelled
            : Resources.Any(r => r.State != JobState.Completed) ? JobState.Failed
            : JobState.Completed;
    }
}
