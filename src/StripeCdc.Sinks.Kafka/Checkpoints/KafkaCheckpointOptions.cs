namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// Where <see cref="KafkaCheckpointStore"/> keeps snapshot checkpoints and leases; the snapshot worker
/// fills these from its own options (<c>StripeCdc:Snapshot:CheckpointTopic</c>, <c>CheckpointLease</c>).
/// </summary>
public sealed class KafkaCheckpointOptions
{
    /// <summary>The setting that names the topic, for error messages.</summary>
    public const string TopicKey = "StripeCdc:Snapshot:CheckpointTopic";

    /// <summary>
    /// The key the store is registered under as a keyed <see cref="Checkpoints.ICheckpointStore"/> and
    /// <see cref="Checkpoints.IReconciliationPositionStore"/>.
    /// </summary>
    public const string ServiceKey = "Kafka";

    public string Topic { get; set; } = string.Empty;

    public TimeSpan Lease { get; set; }
}
