using Confluent.Kafka;
using StripeCdc.EmbeddedKafka;

namespace StripeCdc.Ingest.Tests.Support;

/// <summary>One embedded 3-broker cluster for the whole test run; every test writes to its own topics.</summary>
public sealed class KafkaFixture : IDisposable
{
    public KafkaFixture()
    {
        Cluster = EmbeddedKafkaCluster.Start(brokerCount: 3);
        _admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).SetLogHandler((_, _) => { }).Build();
    }

    private readonly IAdminClient _admin;

    public EmbeddedKafkaCluster Cluster { get; }

    public string BootstrapServers => Cluster.BootstrapServers;

    /// <summary>Records in a topic: the sum of its partitions' high watermarks (no transactions, so offsets are contiguous).</summary>
    public long Count(string topic)
    {
        using var consumer = NewConsumer();
        return Partitions(topic).Sum(p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
    }

    /// <summary>Every record of a topic, from the beginning, until <paramref name="expected"/> arrived or the time is up.</summary>
    public List<ConsumeResult<byte[], byte[]>> Read(string topic, int expected, TimeSpan? timeout = null)
    {
        using var consumer = NewConsumer();
        consumer.Assign(Partitions(topic).Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var results = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (results.Count < expected && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is { IsPartitionEOF: false, Message: not null })
            {
                results.Add(result);
            }
        }

        return results;
    }

    /// <summary>Reads a topic until <paramref name="count"/> records arrived (its current size, measured by <see cref="Count"/>).</summary>
    public List<ConsumeResult<byte[], byte[]>> ReadAll(string topic) => Read(topic, (int)Count(topic));

    public void Dispose()
    {
        _admin.Dispose();
        Cluster.Dispose();
    }

    private List<TopicPartition> Partitions(string topic)
    {
        var metadata = _admin.GetMetadata(topic, TimeSpan.FromSeconds(10));
        return [.. metadata.Topics.Single().Partitions.Select(p => new TopicPartition(topic, p.PartitionId))];
    }

    private IConsumer<byte[], byte[]> NewConsumer() =>
        new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "test-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        })
            .SetLogHandler((_, _) => { })
            .Build();
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>
{
    public const string Name = "kafka";
}
