using StripeCdc.Records;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// Writes each event's records to state tables (SPEC §10) with its ledger row, in one transaction that
/// may be shared with other events (group commit). <see cref="WriteAsync"/> completes after the commit.
/// </summary>
internal sealed class PostgresRecordSink(PostgresGroupCommit groupCommit) : IRecordSink
{
    public ValueTask WriteAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken) =>
        records.Count == 0 ? ValueTask.CompletedTask : new ValueTask(groupCommit.WriteAsync(records, cancellationToken));
}
