namespace StripeCdc.Pipeline;

public enum PipelineOutcome
{
    /// <summary>Nothing has decided yet.</summary>
    Pending,

    /// <summary>Every record was acknowledged by the sink.</summary>
    Produced,

    /// <summary>Dropped on purpose (<c>SKIP</c>, or an event already committed); nothing written.</summary>
    Skipped,

    /// <summary>Rejected, and the original body was acknowledged on the DLQ topic.</summary>
    DeadLettered,

    /// <summary>Rejected without a DLQ record (DLQ disabled or it failed too).</summary>
    Rejected,
}
