namespace StripeCdc.Snapshot.Progress;

/// <summary>One resource of a snapshot: counts, rate and state, updated by the worker and read by displays.</summary>
internal sealed class ResourceProgress(string resource, TimeProvider time)
{
    private long _objects;
    private long _pages;
    private long _pruned;
    private long _startedAt;
    private long _finishedAt;

    public string Resource { get; } = resource;

    public JobState State { get; private set; } = JobState.Pending;

    public string? Error { get; private set; }

    public long Objects => Interlocked.Read(ref _objects);

    public long Pages => Interlocked.Read(ref _pages);

    /// <summary>Deletes written by <c>--prune</c> after the listing.</summary>
    public long Pruned => Interlocked.Read(ref _pruned);

    /// <summary>The listing is complete and held objects it did not return are being checked (<c>--prune</c>).</summary>
    public bool IsPruning { get; private set; }

    /// <summary>Objects emitted before this run resumed (from the checkpoint).</summary>
    public long ResumedFrom { get; private set; }

    public TimeSpan Elapsed => _startedAt == 0 ? TimeSpan.Zero : time.GetElapsedTime(_startedAt, _finishedAt == 0 ? time.GetTimestamp() : _finishedAt);

    public double ObjectsPerSecond => Elapsed.TotalSeconds > 0 ? Objects / Elapsed.TotalSeconds : 0;

    public bool IsFinished => State is JobState.Completed or JobState.Failed or JobState.Cancelled;

    public void Start(long resumedFrom)
    {
        ResumedFrom = resumedFrom;
        _startedAt = time.GetTimestamp();
        State = JobState.Running;
    }

    public void PageDone(int objects)
    {
        Interlocked.Add(ref _objects, objects);
        Interlocked.Increment(ref _pages);
    }

    public void Pruning() => IsPruning = true;

    public void PrunedObjects(long count)
    {
        Interlocked.Add(ref _pruned, count);
        IsPruning = false;
    }

    public void Finish(JobState state, string? error = null)
    {
        _finishedAt = time.GetTimestamp();
        Error = error;
        State = state;
    }
}
