using StripeCdc.Records;

namespace StripeCdc.Sinks;

/// <summary>
/// Where records go. <see cref="WriteAsync"/> completes only when every record is durably stored
/// (for Kafka: acknowledged by all in-sync replicas); it throws <see cref="SinkException"/> otherwise.
/// </summary>
public interface IRecordSink
{
    ValueTask WriteAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken);
}
