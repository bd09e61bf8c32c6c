using StripeCdc.Records;

namespace StripeCdc.Sinks;

/// <summary>
/// Where records go. <see cref="WriteAsync"/> completes only when every record is durably stored
/// (for Kafka: acknowledged by all in-sync replicas) and says how (<see cref="SinkWriteResult"/>);
/// it throws <see cref="SinkException"/> otherwise.
/// </summary>
public interface IRecordSink
{
    /// <summary>
    /// True when the sink writes an event's ledger row in the same transaction as its records (the Postgres
    /// sink), so it finds a duplicate itself, atomically: its write answers <see cref="SinkWriteResult.Committed"/>
    /// or <see cref="SinkWriteResult.Duplicate"/>, and the deduplication step need not read the ledger first.
    /// </summary>
    bool WritesLedger { get; }

    ValueTask<SinkWriteResult> WriteAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken);
}
