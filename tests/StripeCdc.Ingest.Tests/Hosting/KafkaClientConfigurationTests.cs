using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using StripeCdc.Ingest.Tests.Support;

namespace StripeCdc.Ingest.Tests.Hosting;

/// <summary>Issue 12.1: every Kafka client the ingest creates is built from one configuration; secrets never reach a log.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaClientConfigurationTests(KafkaFixture kafka)
{
    [Fact]
    public async Task A_setting_in_the_shared_section_reaches_every_client_and_secrets_are_masked_in_the_effective_configuration_log()
    {
        var source = new TestSource();
        var clientId = "probe-" + source.Id;
        var secret = "s3cr3t-" + Guid.NewGuid().ToString("N");
        source.Set("StripeCdc:Kafka:Config:client.id", clientId)
            .Set("StripeCdc:Kafka:Config:sasl.username", "stripecdc")
            .Set("StripeCdc:Kafka:Config:sasl.password", secret)
            .Set("StripeCdc:Kafka:Consumer:Config:ssl.key.password", secret)
            .Set("StripeCdc:Admin:Token", "admin-" + source.Id);
        await using var server = await IngestServer.StartAsync(kafka, source.Settings, LogLevel.Debug);

        using var health = await server.Client.GetAsync("/health");
        using var replayRequest = new HttpRequestMessage(HttpMethod.Post, "/admin/dlq/replay") { Content = JsonContent.Create(new { }) };
        replayRequest.Headers.Add("X-StripeCdc-Admin-Token", "admin-" + source.Id);
        using var replay = await server.Client.SendAsync(replayRequest);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var effective = server.Logs.Lines.Where(l => l.Contains("effective configuration:", StringComparison.Ordinal)).ToList();
        foreach (var client in new[]
        {
            "Kafka producer client for records and event ledger commits",
            "Kafka consumer client for the event ledger,",
            "Kafka consumer client for the event ledger's start offsets",
            "Kafka admin client for topic creation",
            "Kafka admin client for the health check",
            "Kafka consumer client for the DLQ replay",
        })
        {
            var lines = effective.Where(l => l.Contains(client, StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(lines);
            Assert.All(lines, line =>
            {
                Assert.Contains($"client.id={clientId}", line, StringComparison.Ordinal);
                Assert.Contains("sasl.password=*****", line, StringComparison.Ordinal);
                Assert.Contains($"bootstrap.servers={kafka.BootstrapServers}", line, StringComparison.Ordinal);
            });
        }

        Assert.Contains(effective, l => l.Contains("ssl.key.password=*****", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
    }
}
