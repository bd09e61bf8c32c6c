using Confluent.Kafka;
using StripeCdc.EmbeddedKafka;

namespace StripeCdc.Testing;

/// <summary>
/// An embedded 3-broker cluster for a test collection, and a real consumer's view of its topics. Each test
/// project derives its xunit fixture from this (collection definitions must live in the test assembly).
/// </summary>
public class EmbeddedKafkaFixture : IDisposable
{
    // Generous: right after brokers come back, on a busy machine, the first metadata answer can take a while.
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(30);
    private readonly IAdminClient _admin;

    public EmbeddedKafkaFixture()
    {
        Cluster = EmbeddedKafkaCluster.Start(brokerCount: 3);
        _admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).SetLogHandler((_, _) => { }).Build();
    }

    public EmbeddedKafkaCluster Cluster { get; }

    public string BootstrapServers => Cluster.BootstrapServers;

    /// <summary>Records in a topic: the sum of its partitions' high watermarks (no transactions, so offsets are contiguous); 0 for an unknown topic.</summary>
    public long Count(string topic)
    {
        using var consumer = NewConsumer();
        return Partitions(topic).Sum(p => consumer.QueryWatermarkOffsets(p, MetadataTimeout).High.Value);
    }

    /// <summary>Every record of a topic from the beginning, until <paramref name="expected"/> arrived or the time is up.</summary>
    public List<ConsumeResult<byte[], byte[]>> Read(string topic, int expected, TimeSpan? timeout = null)
    {
        var results = new List<ConsumeResult<byte[], byte[]>>();
        var partitions = Partitions(topic);
        if (partitions.Count == 0 || expected <= 0)
        {
            return results;
        }

        // Assigning partitions directly skips the consumer-group join, which takes seconds.
        using var consumer = NewConsumer();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
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

    /// <summary>Every record a topic holds now (all writes were acknowledged before, so its size is final).</summary>
    public List<ConsumeResult<byte[], byte[]>> ReadAll(string topic) => Read(topic, (int)Count(topic), TimeSpan.FromSeconds(30));

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _admin.Dispose();
            Cluster.Dispose();
        }
    }

    private List<TopicPartition> Partitions(string topic)
    {
        var metadata = _admin.GetMetadata(topic, MetadataTimeout).Topics.SingleOrDefault();
        return metadata is null || metadata.Error.IsError
            ? []
            : [.. metadata.Partitions.Select(p => new TopicPartition(topic, p.PartitionId))];
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
