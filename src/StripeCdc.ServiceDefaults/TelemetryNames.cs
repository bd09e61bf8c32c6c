namespace StripeCdc.ServiceDefaults;

/// <summary>StripeCdc's own activity sources and meter (kept in step with StripeCdc.Telemetry.StripeCdcTelemetry).</summary>
internal static class TelemetryNames
{
    public static readonly string[] ActivitySources = ["StripeCdc.Pipeline", "StripeCdc.Kafka", FeatureManagement];
    public static readonly string[] Meters = ["StripeCdc", "StripeCdc.Kafka", FeatureManagement];

    /// <summary>Microsoft.FeatureManagement's own ActivitySource and Meter (flag evaluations).</summary>
    private const string FeatureManagement = "Microsoft.FeatureManagement";
    public const string RedactedQuery = "REDACTED";
}
