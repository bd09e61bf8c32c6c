namespace StripeCdc.Pipeline;

/// <summary>The <c>__dlq_reason</c> values (SPEC §5).</summary>
public static class DeadLetterReason
{
    public const string Signature = "signature";
    public const string Malformed = "malformed";
    public const string ThinEvent = "thin_event";
    public const string UnselectedResource = "unselected_resource";
    public const string ModuleError = "module_error";
    public const string SinkError = "sink_error";
}
