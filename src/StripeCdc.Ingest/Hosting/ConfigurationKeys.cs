namespace StripeCdc.Ingest.Hosting;

/// <summary>Configuration keys the ingest reads outside its options classes.</summary>
internal static class ConfigurationKeys
{
    /// <summary><c>true</c> starts an in-process Kafka (librdkafka's mock cluster) for a quick local run.</summary>
    public const string EmbeddedKafka = "StripeCdc:EmbeddedKafka";

    public const string KafkaConnectionString = "ConnectionStrings:kafka";
}
