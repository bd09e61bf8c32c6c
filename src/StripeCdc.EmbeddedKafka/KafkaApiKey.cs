namespace StripeCdc.EmbeddedKafka;

/// <summary>Kafka protocol API keys, for <see cref="EmbeddedKafkaCluster.PushRequestErrors"/>.</summary>
public static class KafkaApiKey
{
    public const short Produce = 0;
    public const short Fetch = 1;
    public const short Metadata = 3;
    public const short InitProducerId = 22;
}
