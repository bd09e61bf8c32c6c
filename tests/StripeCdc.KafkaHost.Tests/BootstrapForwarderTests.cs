using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace StripeCdc.KafkaHost.Tests;

/// <summary>The bootstrap address the AppHost publishes before the cluster exists: clients bootstrap through it.</summary>
[Collection(ClusterCollection.Name)]
public sealed class BootstrapForwarderTests(ClusterFixture fixture)
{
    [Fact]
    public async Task A_client_bootstrapping_through_the_forwarded_port_sees_the_cluster_and_produces_to_it()
    {
        var topic = await fixture.TopicWithAsync();
        var port = FreePort();
        using var forwarder = new BootstrapForwarder(
            fixture.Cluster,
            Options.Create(new EmbeddedKafkaOptions { BootstrapPort = port }),
            NullLogger<BootstrapForwarder>.Instance);
        await forwarder.StartAsync(CancellationToken.None);
        try
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = $"127.0.0.1:{port}" }).SetLogHandler((_, _) => { }).Build();
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = $"127.0.0.1:{port}" }).SetLogHandler((_, _) => { }).Build();
            var delivered = await producer.ProduceAsync(topic, new Message<Null, string> { Value = "through the relay" });

            Assert.Equal(fixture.Cluster.BrokerCount, metadata.Brokers.Count);
            Assert.Contains(metadata.Topics, t => t.Topic == topic);
            Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        }
        finally
        {
            await forwarder.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Without_a_bootstrap_port_the_forwarder_returns_at_once_and_relays_nothing()
    {
        using var forwarder = new BootstrapForwarder(
            fixture.Cluster,
            Options.Create(new EmbeddedKafkaOptions()),
            NullLogger<BootstrapForwarder>.Instance);

        await forwarder.StartAsync(CancellationToken.None);
        await forwarder.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(forwarder.ExecuteTask.IsCompletedSuccessfully);
        await forwarder.StopAsync(CancellationToken.None);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
