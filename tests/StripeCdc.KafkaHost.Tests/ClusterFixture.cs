using Confluent.Kafka;
using StripeCdc.EmbeddedKafka;

namespace StripeCdc.KafkaHost.Tests;

/// <summary>One embedded cluster for the tests, as the KafkaHost runs it; each test writes to its own topic.</summary>
public sealed class ClusterFixture : IDisposable
{
    public EmbeddedKafkaCluster Cluster { get; } = EmbeddedKafkaCluster.Start(brokerCount: 3);

    /// <summary>A new topic holding these records (key, value, one header <c>n</c> = the record's index), written in order to partition 0.</summary>
    public async Task<string> TopicWithAsync(params (string? Key, string Value)[] records)
    {
        var topic = "browse-" + Guid.NewGuid().ToString("N")[..8];
        Cluster.CreateTopic(topic, partitions: 2);
        using var producer = new ProducerBuilder<string?, string>(new ProducerConfig { BootstrapServers = Cluster.BootstrapServers })
            .SetLogHandler((_, _) => { })
            .Build();
        for (var i = 0; i < records.Length; i++)
        {
            await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string?, string>
            {
                Key = records[i].Key,
                Value = records[i].Value,
                Headers = [new Header("n", System.Text.Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))],
            });
        }

        return topic;
    }

    public void Dispose() => Cluster.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
