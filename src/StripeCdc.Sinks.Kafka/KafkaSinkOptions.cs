namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// The Kafka sink's settings: the bootstrap servers come from <c>ConnectionStrings:kafka</c> (Aspire's
/// convention); any librdkafka producer property can be set under <c>StripeCdc:Kafka:Producer:Config</c>
/// (or Aspire's <c>Aspire:Confluent:Kafka:Producer:Config</c>).
/// </summary>
public sealed class KafkaSinkOptions
{
    public const string ConnectionStringName = StripeCdcKafkaSettings.ConnectionStringName;
    public const string SectionName = "StripeCdc:Kafka:Producer";

    /// <summary>The section Aspire's Confluent.Kafka client integration reads (<c>Config</c> bound onto the producer).</summary>
    public const string AspireSectionName = "Aspire:Confluent:Kafka:Producer";

    /// <summary><c>StripeCdc:Kafka:Tombstones</c>: the key that turns <see cref="Tombstones"/> on.</summary>
    public const string TombstonesKey = "StripeCdc:Kafka:Tombstones";

    public string? BootstrapServers { get; set; }

    /// <summary>
    /// Follow each delete record with a null-value record of the same key, so compacted topics drop
    /// deleted objects (Debezium's <c>tombstones.on.delete</c>). Off by default.
    /// </summary>
    public bool Tombstones { get; set; }

    public Dictionary<string, string> Config { get; } = new(StringComparer.Ordinal);
}
