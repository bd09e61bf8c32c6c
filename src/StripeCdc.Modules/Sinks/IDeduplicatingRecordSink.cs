using StripeCdc.Records;

namespace StripeCdc.Sinks;

/// <summary>
/// A sink that keeps the dedupe ledger in the records' own transaction (<see cref="Ledger.IEventLedger.CommitsWithRecords"/>):
/// it is the one that finds a duplicate delivery, so it tells the pipeline instead of writing the event again.
/// The pipeline then counts the event as skipped, as the deduplication module does with a ledger of its own.
/// </summary>
public interface IDeduplicatingRecordSink : IRecordSink
{
    /// <summary>Writes one event's records with its ledger row; completes once committed, or throws <see cref="SinkException"/>.</summary>
    ValueTask<SinkWriteResult> WriteEventAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken);
}
