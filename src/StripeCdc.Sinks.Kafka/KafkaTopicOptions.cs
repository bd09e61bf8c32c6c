namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// How missing topics are created on first start (<c>StripeCdc:Kafka:Topics</c>), the way Kafka Connect's
/// <c>topic.creation.default.*</c> and per-group settings work: <see cref="Default"/> for every topic,
/// <see cref="Overrides"/> by topic name on top of it.
/// </summary>
public sealed class KafkaTopicOptions
{
    public const string SectionName = "StripeCdc:Kafka:Topics";

    /// <summary><c>StripeCdc:Kafka:Tombstones</c>: delete records are followed by tombstones, so state topics are created compacted.</summary>
    public const string TombstonesKey = "StripeCdc:Kafka:Tombstones";

    /// <summary>Create missing topics at start-up; off = a missing topic stops start-up.</summary>
    public bool Create { get; set; } = true;

    /// <summary>Settings of every created topic.</summary>
    public KafkaTopicSettings Default { get; set; } = new();

    /// <summary>Per-topic settings (full topic name, prefix included) over <see cref="Default"/>.</summary>
    public Dictionary<string, KafkaTopicSettings> Overrides { get; } = new(StringComparer.Ordinal);

    /// <summary>How long creating the missing topics may take before start-up fails.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>A topic's partitions, replication factor and topic configs (<c>cleanup.policy</c>, <c>retention.ms</c>, …).</summary>
public sealed class KafkaTopicSettings
{
    /// <summary>Unset: 3 (or the default's).</summary>
    public int? Partitions { get; set; }

    /// <summary>Unset: the broker's <c>default.replication.factor</c> (or the default's).</summary>
    public short? ReplicationFactor { get; set; }

    public Dictionary<string, string> Config { get; } = new(StringComparer.Ordinal);
}
