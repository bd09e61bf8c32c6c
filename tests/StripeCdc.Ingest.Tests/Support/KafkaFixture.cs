using StripeCdc.Testing;

namespace StripeCdc.Ingest.Tests.Support;

/// <summary>One embedded 3-broker cluster for the whole test run; every test writes to its own topics.</summary>
public sealed class KafkaFixture : EmbeddedKafkaFixture;

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>
{
    public const string Name = "kafka";
}
