using StripeCdc.Testing;

namespace StripeCdc.Sinks.Kafka.Tests.Support;

/// <summary>One embedded 3-broker cluster shared by the Kafka tests of a collection.</summary>
public sealed class KafkaFixture : EmbeddedKafkaFixture;

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>
{
    public const string Name = "kafka";
}
