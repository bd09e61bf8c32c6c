using StripeCdc.Records;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// Writes each event's records to state tables (SPEC §10) with its ledger row, in one transaction that
/// may be shared with other events (group commit). A write completes after the commit: an event is
/// <see cref="SinkWriteResult.Committed"/>, or a <see cref="SinkWriteResult.Duplicate"/> when its ledger
/// row was already there (DLQ records and snapshot reads, which have no ledger row, are <see cref="SinkWriteResult.Written"/>).
/// </summary>
internal sealed class PostgresRecordSink(PostgresGroupCommit groupCommit) : IRecordSink
{
    public bool WritesLedger => true;

    public ValueTask<SinkWriteResult> WriteAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken) =>
        records.Count == 0 ? ValueTask.FromResult(SinkWriteResult.Written) : new ValueTask<SinkWriteResult>(groupCommit.WriteAsync(records, cancellationToken));
}
