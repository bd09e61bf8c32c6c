using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using StripeCdc.Sinks.Kafka.Tests.Support;
using StripeCdc.Pipeline;
using StripeCdc.Replay;
using StripeCdc.Sinks;
using StripeCdc.Testing;

namespace StripeCdc.Sinks.Kafka.Tests;

/// <summary>SPEC §5 replay: DLQ records go through the pipeline again; signature checks are skipped only on request.</summary>
[Collection(KafkaCollection.Name)]
public sealed class DeadLetterReplayTests(KafkaFixture kafka)
{
    private const string Secret = "whsec_replay_secret";

    [Fact]
    public async Task A_record_dead_lettered_for_an_unselected_resource_is_produced_after_the_resource_is_selected()
    {
        var prefix = "r" + Guid.NewGuid().ToString("N")[..8] + ".";
        var body = StripeObjects.Event("product.created", RoutingTestsObject("product", "prod_r1"), id: "evt_r1");
        using (var failing = Host(prefix, ("UnselectedResourceBehavior", "FAIL")))
        {
            Assert.Equal(PipelineOutcome.DeadLettered, (await failing.Harness.ProcessAsync(body)).Outcome);
        }

        using var fixedConfig = Host(prefix, ("Resources", "customer,product"));
        var result = await fixedConfig.Replayer.ReplayAsync("default", skipSignatureCheck: false, CancellationToken.None);

        Assert.Equal(1, result.Replayed);
        Assert.Equal(1, result.Outcomes[PipelineOutcome.Produced]);
        var record = Assert.Single(kafka.Read(prefix + "product", expected: 1));
        Assert.Equal("evt_r1", JsonDocument.Parse(record.Message.Value).RootElement.GetProperty("_event_id").GetString());

        var again = await fixedConfig.Replayer.ReplayAsync("default", skipSignatureCheck: false, CancellationToken.None);
        Assert.Equal(0, again.Replayed);
    }

    [Fact]
    public async Task The_original_signature_is_checked_again_unless_skipping_is_asked_for()
    {
        var prefix = "r" + Guid.NewGuid().ToString("N")[..8] + ".";
        var body = StripeObjects.Event("customer.created", StripeObjects.Customer("cus_r2"), id: "evt_r2");
        var staleHeader = EventUtility.GenerateSignatureHeader(body, Secret, DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds());
        using var host = Host(prefix, ("SigningSecrets", Secret));
        Assert.Equal(PipelineOutcome.DeadLettered, (await host.Harness.ProcessAsync(body, staleHeader)).Outcome);

        var checkedReplay = await host.Replayer.ReplayAsync("default", skipSignatureCheck: false, CancellationToken.None);
        Assert.Equal(1, checkedReplay.Outcomes[PipelineOutcome.DeadLettered]);
        Assert.Empty(kafka.Read(prefix + "customer", expected: 1, TimeSpan.FromSeconds(2)));

        var skipped = await host.Replayer.ReplayAsync("default", skipSignatureCheck: true, CancellationToken.None);
        Assert.Equal(1, skipped.Outcomes[PipelineOutcome.Produced]);
        Assert.Single(kafka.Read(prefix + "customer", expected: 1));
    }

    private static string RoutingTestsObject(string type, string id) => $$"""{"id":"{{id}}","object":"{{type}}"}""";

    private ReplayHost Host(string prefix, params (string Key, string? Value)[] settings)
    {
        var configuration = PipelineHarness.Source(settings: [.. settings, ("TopicPrefix", prefix)]);
        configuration["ConnectionStrings:kafka"] = kafka.BootstrapServers;
        var built = new ConfigurationBuilder().AddInMemoryCollection(configuration).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(built);
        services.AddStripeCdcPipeline(built).AddKafkaSink(built);
        var provider = services.BuildServiceProvider();
        foreach (var topic in provider.GetRequiredService<StripeCdc.Configuration.SourceCatalog>().All.SelectMany(s => s.KnownTopics))
        {
            kafka.Cluster.CreateTopic(topic);
        }

        return new ReplayHost(provider);
    }

    private sealed class ReplayHost(ServiceProvider provider) : IDisposable
    {
        public ReplayHarness Harness { get; } = new(provider);

        public DeadLetterReplayer Replayer => provider.GetRequiredService<DeadLetterReplayer>();

        public void Dispose() => provider.Dispose();
    }

    private sealed class ReplayHarness(IServiceProvider provider)
    {
        public async Task<RecordContext> ProcessAsync(string body, string? signature = null)
        {
            var source = provider.GetRequiredService<StripeCdc.Configuration.SourceCatalog>().Get("default");
            var context = new RecordContext(source, System.Text.Encoding.UTF8.GetBytes(body), signature, DateTimeOffset.UtcNow);
            await provider.GetRequiredService<RecordPipeline>().ProcessAsync(context);
            return context;
        }
    }
}
