using StripeCdc.Snapshot.Progress;

namespace StripeCdc.Snapshot.Reconciliation;

/// <summary>A reconciliation run over a window of the Events API, with its counts.</summary>
/// <param name="account">A connected account (<c>acct_…</c>) whose events are read with <c>Stripe-Account</c> (SPEC §12); null for the source's own.</param>
internal sealed class ReconciliationJob(string id, string source, DateTimeOffset from, DateTimeOffset? to, bool onlyFailedDeliveries, string? account = null)
{
    private long _listed;
    private long _alreadyCommitted;
    private long _delivered;
    private long _deadLettered;
    private long _alreadyDeadLettered;
    private long _skipped;

    public string Id { get; } = id;

    public string Source { get; } = source;

    public string? Account { get; } = account;

    public DateTimeOffset From { get; private set; } = from;

    /// <summary>The requested end; the effective end is at most now minus the reconciliation lag.</summary>
    public DateTimeOffset? To { get; private set; } = to;

    public bool OnlyFailedDeliveries { get; } = onlyFailedDeliveries;

    public JobState State { get; private set; } = JobState.Pending;

    public string? Error { get; private set; }

    public long Listed => Interlocked.Read(ref _listed);

    public long AlreadyCommitted => Interlocked.Read(ref _alreadyCommitted);

    public long Delivered => Interlocked.Read(ref _delivered);

    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Events left alone because they are in the DLQ already (dead-lettered by an earlier run or the ingest).</summary>
    public long AlreadyDeadLettered => Interlocked.Read(ref _alreadyDeadLettered);

    public void Start(DateTimeOffset from, DateTimeOffset to)
    {
        From = from;
        To = to;
        State = JobState.Running;
    }

    public void CountListed() => Interlocked.Increment(ref _listed);

    public void CountAlreadyCommitted() => Interlocked.Increment(ref _alreadyCommitted);

    public void CountDelivered() => Interlocked.Increment(ref _delivered);

    public void CountDeadLettered() => Interlocked.Increment(ref _deadLettered);

    public void CountSkipped() => Interlocked.Increment(ref _skipped);

    public void CountAlreadyDeadLettered() => Interlocked.Increment(ref _alreadyDeadLettered);

    public void Finish(JobState state, string? error = null)
    {
        Error = error;
        State = state;
    }
}
