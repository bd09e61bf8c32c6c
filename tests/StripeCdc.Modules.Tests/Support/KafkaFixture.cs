using Confluent.Kafka;
using StripeCdc.EmbeddedKafka;

namespace StripeCdc.Modules.Tests.Support;

/// <summary>One embedded 3-broker cluster shared by the Kafka tests of a collection.</summary>
public sealed class KafkaFixture : IDisposable
{
    public KafkaFixture()
    {
        Cluster = EmbeddedKafkaCluster.Start(brokerCount: 3);
    }

    public EmbeddedKafkaCluster Cluster { get; }

    public string BootstrapServers => Cluster.BootstrapServers;

    /// <summary>Reads every record of a topic from the beginning until <paramref name="expected"/> arrived or the time is up.</summary>
    public List<ConsumeResult<byte[], byte[]>> ReadTopic(string topic, int expected, TimeSpan? timeout = null)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "test-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (results.Count < expected && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is { IsPartitionEOF: false, Message: not null })
            {
                results.Add(result);
            }
        }

        consumer.Close();
        return results;
    }

    public void Dispose() => Cluster.Dispose();
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>
{
    public const string Name = "kafka";
}
