namespace StripeCdc.Sinks;

/// <summary>What <see cref="IDeduplicatingRecordSink.WriteEventAsync"/> did with an event.</summary>
public enum SinkWriteResult
{
    /// <summary>Every record is durably stored.</summary>
    Written,

    /// <summary>The event id was already committed: nothing was written again.</summary>
    AlreadyCommitted,
}
