using StripeCdc.Testing;

namespace StripeCdc.EmbeddedKafka.Tests.Support;

/// <summary>One embedded 3-broker cluster for the test run; every test uses its own topics.</summary>
public sealed class KafkaFixture : EmbeddedKafkaFixture;

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>
{
    public const string Name = "kafka";
}
