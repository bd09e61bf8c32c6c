namespace StripeCdc.ServiceDefaults;

/// <summary>StripeCdc's own activity sources and meter (kept in step with StripeCdc.Telemetry.StripeCdcTelemetry).</summary>
internal static class TelemetryNames
{
    public static readonly string[] ActivitySources = ["StripeCdc.Pipeline", "StripeCdc.Kafka"];
    public const string Meter = "StripeCdc";
    public const string RedactedQuery = "REDACTED";
}
