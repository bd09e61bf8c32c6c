namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// The Kafka integration's settings, shaped like Aspire's client integrations: bound from
/// <c>StripeCdc:Kafka</c>, with the bootstrap servers from <c>ConnectionStrings:kafka</c> (read here and
/// nowhere else). Client properties stay in their sections (<c>StripeCdc:Kafka:Config</c>,
/// <c>:Producer:Config</c>, <c>:Consumer:Config</c>, <c>:Admin:Config</c>; see <see cref="KafkaClientConfigs"/>).
/// </summary>
public sealed class StripeCdcKafkaSettings
{
    public const string SectionName = "StripeCdc:Kafka";
    public const string ConnectionStringName = "kafka";

    /// <summary>The bootstrap servers (<c>host:port[,host:port]</c>); from <c>ConnectionStrings:kafka</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Leave out the <c>kafka</c> health check (<c>StripeCdc:Kafka:DisableHealthChecks</c>).</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Start no producer spans (<c>StripeCdc:Kafka:DisableTracing</c>); trace context is still propagated.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>Record no producer metrics (<c>StripeCdc:Kafka:DisableMetrics</c>).</summary>
    public bool DisableMetrics { get; set; }

    /// <summary>True when a cluster is configured: module switches and snapshot checkpoints then live on it.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ConnectionString);
}
