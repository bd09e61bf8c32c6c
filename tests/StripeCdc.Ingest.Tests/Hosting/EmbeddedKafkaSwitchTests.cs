using System.Net;
using Confluent.Kafka;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StripeCdc.Ingest.Hosting;
using StripeCdc.Ingest.Tests.Support;

namespace StripeCdc.Ingest.Tests.Hosting;

/// <summary>The documented quick-run switch: <c>StripeCdc:EmbeddedKafka=true</c> without any Kafka address.</summary>
[Collection(KafkaCollection.Name)]
public sealed class EmbeddedKafkaSwitchTests
{
    [Fact]
    public async Task EmbeddedKafka_switch_starts_kafka_in_process_with_every_known_topic_and_serves_events()
    {
        var source = new TestSource();
        source.Settings["StripeCdc:EmbeddedKafka"] = "true";
        var app = IngestApplication.Build(["--contentRoot", Directory.CreateTempSubdirectory("stripecdc-embedded").FullName], builder =>
        {
            builder.Configuration.AddInMemoryCollection(source.Settings);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
        });
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            var bootstrap = app.Configuration["ConnectionStrings:kafka"];

            using var response = await client.SendAsync(StripeEvents.Request(source, StripeEvents.InvoicePaid(lines: 2)));
            using var health = await client.GetAsync("/health");

            Assert.StartsWith("127.0.0.1:", bootstrap, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
            var topics = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).ToHashSet();
            Assert.Superset(new HashSet<string> { source.Topic("customer"), source.Topic("charge"), source.Topic("invoice"), source.Topic("payment_intent"), source.Topic("invoice_lines"), source.Topic("unknown"), source.DeadLetterTopic, source.LedgerTopic }, topics);
            using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "t" }).Build();
            var lines = Enumerable.Range(0, 3).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(source.Topic("invoice_lines"), p), TimeSpan.FromSeconds(5)).High.Value);
            Assert.Equal(2, lines);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
