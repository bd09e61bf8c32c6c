namespace StripeCdc.KafkaHost;

/// <summary>The embedded cluster's shape (<c>Kafka:*</c>); the AppHost sets it.</summary>
public sealed class EmbeddedKafkaOptions
{
    public const string SectionName = "Kafka";

    public const string RetentionNotice =
        "This cluster is in memory and keeps at most 5 MB or 100,000 message sets per partition: older records are dropped silently. " +
        "Use it for local runs and tests; point ConnectionStrings:kafka at a real cluster for anything you need to keep.";

    public int Brokers { get; set; } = 3;

    public int Partitions { get; set; } = 3;

    /// <summary>The browser page's and health endpoint's port on 127.0.0.1 (the AppHost allocates it).</summary>
    public int? HttpPort { get; set; }

    /// <summary>A bootstrap address on 127.0.0.1 relayed to the first broker (<see cref="BootstrapForwarder"/>).</summary>
    public int? BootstrapPort { get; set; }

    /// <summary>Comma-separated; the mock cluster has no CreateTopics API, so topics are made here.</summary>
    public string Topics { get; set; } = "";

    public IEnumerable<string> TopicList => Topics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
