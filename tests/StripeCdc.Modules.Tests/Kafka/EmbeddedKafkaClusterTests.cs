using System.Text;
using Confluent.Kafka;
using StripeCdc.Modules.Tests.Support;

namespace StripeCdc.Modules.Tests.Kafka;

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
}
