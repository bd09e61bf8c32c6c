using System.Diagnostics;

namespace StripeCdc.Telemetry;

/// <summary>Names of StripeCdc's activity sources and meter, for OpenTelemetry registration.</summary>
public static class StripeCdcTelemetry
{
    public const string PipelineSourceName = "StripeCdc.Pipeline";
    public const string KafkaSourceName = "StripeCdc.Kafka";
    public const string MeterName = "StripeCdc";

    internal static readonly ActivitySource PipelineSource = new(PipelineSourceName);
}
