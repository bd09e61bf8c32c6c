namespace StripeCdc.Sinks;

/// <summary>
/// What <see cref="IRecordSink.WriteAsync"/> did with one event's records. The pipeline puts it on the
/// context (<see cref="Pipeline.RecordContext.SinkResult"/>) and the deduplication step acts on it.
/// </summary>
public enum SinkWriteResult
{
    /// <summary>Every record is durably stored; the event's id is not in the ledger yet (the deduplication step marks it).</summary>
    Written,

    /// <summary>Every record is durably stored together with the event's ledger row, in one transaction: the event is committed.</summary>
    Committed,

    /// <summary>The event's id was already in the ledger (a duplicate delivery): nothing was written again.</summary>
    Duplicate,
}
