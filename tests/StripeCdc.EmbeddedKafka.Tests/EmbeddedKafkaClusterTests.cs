using System.Text;
using Confluent.Kafka;
using StripeCdc.EmbeddedKafka.Tests.Support;

namespace StripeCdc.EmbeddedKafka.Tests;

[Collection(KafkaCollection.Name)]
public sealed class EmbeddedKafkaClusterTests(KafkaFixture kafka)
{
    [Fact]
    public void Bootstrap_lists_three_loopback_brokers()
    {
        var brokers = kafka.BootstrapServers.Split(',');
        Assert.Equal(3, brokers.Length);
        Assert.All(brokers, b => Assert.StartsWith("127.0.0.1:", b, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_real_client_produces_and_consumes_through_the_kafka_protocol()
    {
        var topic = "roundtrip-" + Guid.NewGuid().ToString("N")[..8];
        kafka.Cluster.CreateTopic(topic, partitions: 3);
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
        }).Build();
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "hello" });

        var read = kafka.Read(topic, expected: 1);

        var message = Assert.Single(read);
        Assert.Equal("k", Encoding.UTF8.GetString(message.Message.Key));
        Assert.Equal("hello", Encoding.UTF8.GetString(message.Message.Value));
    }

    [Fact]
    public void A_created_topic_has_the_partitions_asked_for_and_every_broker_serves_it()
    {
        var topic = "created-" + Guid.NewGuid().ToString("N")[..8];

        kafka.Cluster.CreateTopic(topic, partitions: 5, replicationFactor: 3);

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka.BootstrapServers }).SetLogHandler((_, _) => { }).Build();
        var metadata = Assert.Single(admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics);
        Assert.Equal(ErrorCode.NoError, metadata.Error.Code);
        Assert.Equal(5, metadata.Partitions.Count);
        Assert.All(metadata.Partitions, p => Assert.Equal(3, p.Replicas.Length));
    }

    [Fact]
    public async Task Injected_produce_errors_reach_the_client_and_the_cluster_serves_again_afterwards()
    {
        var topic = "faults-" + Guid.NewGuid().ToString("N")[..8];
        using var cluster = EmbeddedKafkaCluster.Start(brokerCount: 1);
        cluster.CreateTopic(topic, partitions: 1, replicationFactor: 1);
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            MessageSendMaxRetries = 0,
            Acks = Acks.All,
        }).SetLogHandler((_, _) => { }).Build();

        cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.InvalidRecord);
        var refused = await Assert.ThrowsAsync<ProduceException<string, string>>(() =>
            producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "refused" }));
        var delivered = await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "accepted" });

        Assert.Equal(ErrorCode.InvalidRecord, refused.Error.Code);
        Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
    }
}
