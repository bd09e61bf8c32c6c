using StripeCdc.Pipeline;

namespace StripeCdc.Telemetry;

/// <summary>
/// Every outcome name, in one place: the <c>stripecdc.outcome</c> values of events (metrics, the dashboard's
/// pipeline view) and of state-table rows (the Postgres ordering guard, SPEC §10). An event's outcome is a
/// <see cref="PipelineOutcome"/> (<see cref="Of"/>) or, when it never reached the pipeline's end, one of the
/// webhook's own; what a sink did with an event is a <see cref="Sinks.SinkWriteResult"/>.
/// </summary>
public static class OutcomeNames
{
    // An event, as the pipeline ended it (SPEC §8).
    public const string Pending = "pending";
    public const string Produced = "produced";
    public const string Skipped = "skipped";
    public const string DeadLettered = "dead_lettered";
    public const string Rejected = "rejected";

    // An event the webhook answered before the pipeline's end.
    public const string Unauthorized = "unauthorized";
    public const string HeadersTooLarge = "headers_too_large";
    public const string BodyTooLarge = "body_too_large";
    public const string Overloaded = "overloaded";
    public const string NotCommitted = "not_committed";

    // A state-table row, as the ordering guard settled it (SPEC §10).
    public const string Applied = "applied";
    public const string Stale = "stale";
    public const string Tie = "tie";
    public const string Revalidated = "revalidated";

    public static string Of(PipelineOutcome outcome) => outcome switch
    {
        PipelineOutcome.Produced => Produced,
        PipelineOutcome.Skipped => Skipped,
        PipelineOutcome.DeadLettered => DeadLettered,
        PipelineOutcome.Rejected => Rejected,
        _ => Pending,
    };
}
