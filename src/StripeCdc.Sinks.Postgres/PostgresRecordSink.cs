using StripeCdc.Records;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// Writes each event's records to state tables (SPEC §10) with its ledger row, in one transaction that
/// may be shared with other events (group commit). A write completes after the commit; an event whose
/// ledger row was already there is reported as <see cref="SinkWriteResult.AlreadyCommitted"/>.
/// </summary>
internal sealed class PostgresRecordSink(PostgresGroupCommit groupCommit) : IDeduplicatingRecordSink
{
    public ValueTask WriteAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken) =>
        records.Count == 0 ? ValueTask.CompletedTask : new ValueTask(groupCommit.WriteAsync(records, cancellationToken));

    public async ValueTask<SinkWriteResult> WriteEventAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return SinkWriteResult.Written;
        }

        var result = await groupCommit.WriteAsync(records, cancellationToken);
        return result.Duplicate ? SinkWriteResult.AlreadyCommitted : SinkWriteResult.Written;
    }
}
