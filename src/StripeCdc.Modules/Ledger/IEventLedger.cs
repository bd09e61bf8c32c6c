namespace StripeCdc.Ledger;

/// <summary>
/// Remembers which events have been committed (every record acknowledged by the sink), per source,
/// so a duplicate delivery, a replay or a reconciliation run produces nothing twice, and which were
/// dead-lettered, so reconciliation does not dead-letter them again. Shared by every service: a mark
/// made by the ingest is visible to the snapshot worker and survives restarts.
/// </summary>
public interface IEventLedger
{
    /// <summary>True when the event was committed within the ledger's window.</summary>
    ValueTask<bool> IsCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default);

    /// <summary>Records that every record of the event was acknowledged.</summary>
    ValueTask MarkCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default);

    /// <summary>True when the event was written to the DLQ within the ledger's window (see <see cref="MarkDeadLetteredAsync"/>).</summary>
    ValueTask<bool> IsDeadLetteredAsync(string source, string eventId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that the event went to the DLQ, so reconciliation does not dead-letter it again on every run.
    /// Kept apart from commits: the event is not committed, and a DLQ replay of it is still processed.
    /// </summary>
    ValueTask MarkDeadLetteredAsync(string source, string eventId, CancellationToken cancellationToken = default);
}
