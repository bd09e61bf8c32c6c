namespace StripeCdc.Ledger;

/// <summary>
/// Remembers which events have been committed (every record acknowledged by the sink), per source,
/// so a duplicate delivery, a replay or a reconciliation run produces nothing twice. Shared by every
/// service: a commit made by the ingest is visible to the snapshot worker and survives restarts.
/// </summary>
public interface IEventLedger
{
    /// <summary>True when the event was committed within the ledger's window.</summary>
    ValueTask<bool> IsCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default);

    /// <summary>
    /// True when the sink writes the ledger entry in the same transaction as the event's records (the
    /// Postgres sink), so an event that produced records needs no separate <see cref="MarkCommittedAsync"/>.
    /// </summary>
    bool CommitsWithRecords => false;

    /// <summary>Records that every record of the event was acknowledged.</summary>
    ValueTask MarkCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default);

    /// <summary>True when the event was written to the DLQ within the ledger's window (see <see cref="MarkDeadLetteredAsync"/>).</summary>
    ValueTask<bool> IsDeadLetteredAsync(string source, string eventId, CancellationToken cancellationToken = default) =>
        IsCommittedAsync(source, DeadLetterMark(eventId), cancellationToken);

    /// <summary>
    /// Records that the event went to the DLQ, so reconciliation does not dead-letter it again on every run.
    /// Kept apart from commits: a DLQ replay of the event is still processed.
    /// </summary>
    ValueTask MarkDeadLetteredAsync(string source, string eventId, CancellationToken cancellationToken = default) =>
        MarkCommittedAsync(source, DeadLetterMark(eventId), cancellationToken);

    /// <summary>The id a dead-lettered event is remembered under, beside the commits (Stripe event ids never contain ':').</summary>
    static string DeadLetterMark(string eventId) => "dlq:" + eventId;
}
