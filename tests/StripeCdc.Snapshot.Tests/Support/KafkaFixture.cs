using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using StripeCdc.EmbeddedKafka;

namespace StripeCdc.Snapshot.Tests.Support;

/// <summary>One embedded 3-broker cluster shared by the snapshot tests; topics are read with a real consumer.</summary>
public sealed class KafkaFixture : IDisposable
{
    public KafkaFixture()
    {
        Cluster = EmbeddedKafkaCluster.Start(brokerCount: 3);
    }

    public EmbeddedKafkaCluster Cluster { get; }

    public string BootstrapServers => Cluster.BootstrapServers;

    /// <summary>
    /// Every record of a topic, read from the beginning up to each partition's high watermark (all
    /// writes were acknowledged before, so the watermark is final). An unknown topic reads as empty.
    /// </summary>
    internal List<KafkaRecord> ReadAll(string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single();
        if (metadata.Error.IsError || metadata.Partitions.Count == 0)
        {
            return [];
        }

        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "test-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnablePartitionEof = false,
        }).Build();
        var partitions = metadata.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        var highs = partitions.ToDictionary(p => p.Partition.Value, p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
        var expected = highs.Values.Sum();
        consumer.Assign(partitions.Where(p => highs[p.Partition.Value] > 0).Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var records = new List<KafkaRecord>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (records.Count < expected && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is { } message)
            {
                records.Add(new KafkaRecord(result.Topic, message.Key, message.Value, message.Headers.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()))));
            }
        }

        consumer.Close();
        return records;
    }

    public void Dispose() => Cluster.Dispose();
}

internal sealed record KafkaRecord(string Topic, byte[] Key, byte[] Value, Dictionary<string, string> Headers)
{
    public JsonElement KeyJson => JsonDocument.Parse(Key).RootElement;

    public JsonElement Json => JsonDocument.Parse(Value).RootElement;

    public string KeyId => KeyJson.GetProperty("id").GetString()!;

    public string? Header(string name) => Headers.GetValueOrDefault(name);
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>
{
    public const string Name = "kafka";
}
