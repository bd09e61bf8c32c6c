using System.Text;
using Stripe;
using StripeCdc.Pipeline;
using StripeCdc.Snapshot.Cli;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

/// <summary>SPEC §5's replay command, <c>dlq replay</c>, against the embedded Kafka.</summary>
[Collection(KafkaCollection.Name)]
public sealed class DlqReplayCommandTests(KafkaFixture kafka)
{
    private const string Secret = "whsec_replay_cli_secret";

    [Fact]
    public async Task Dlq_replay_reinjects_records_and_skips_the_signature_check_only_when_asked()
    {
        await using var stripe = await FakeStripe.FakeStripeServer.StartAsync();
        var prefix = "t" + Guid.NewGuid().ToString("N")[..10] + ".";
        var ledger = prefix + "ledger";
        kafka.Cluster.CreateTopic(ledger);
        var product = StripeObjects.Event("product.created", """{"id":"prod_cli1","object":"product"}""", "evt_cli_product1");
        var customer = StripeObjects.Event("customer.created", StripeObjects.Customer("cus_cli1"), "evt_cli_customer1");
        var staleSignature = EventUtility.GenerateSignatureHeader(customer, Secret, DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds());
        using (var failing = new SnapshotHarness(stripe, kafka, [("Resources", "customer"), ("UnselectedResourceBehavior", "FAIL"), ("SigningSecrets", Secret)], topicPrefix: prefix))
        {
            foreach (var (body, signature) in new[] { (product, EventUtility.GenerateSignatureHeader(product, Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds())), (customer, staleSignature) })
            {
                var context = new RecordContext(failing.Source, Encoding.UTF8.GetBytes(body), signature, DateTimeOffset.UtcNow);
                await failing.Pipeline.ProcessAsync(context);
                Assert.Equal(PipelineOutcome.DeadLettered, context.Outcome);
            }
        }

        string[] settings =
        [
            $"--ConnectionStrings:kafka={kafka.BootstrapServers}",
            $"--StripeCdc:Sources:default:TopicPrefix={prefix}",
            "--StripeCdc:Sources:default:Resources=customer,product",
            $"--StripeCdc:Sources:default:SigningSecrets={Secret}",
            $"--StripeCdc:Ledger:Topic={ledger}",
            "--StripeCdc:Kafka:Producer:Config:linger.ms=1",
        ];

        var checkedReplay = await CommandLineTests.RunAsync(["dlq", "replay", .. settings]);

        Assert.Equal(ExitCodes.Failed, checkedReplay.Exit);
        Assert.Contains("replayed 2 DLQ record(s) of source 'default': produced 1, skipped 0, dead-lettered again 1", checkedReplay.Output, StringComparison.Ordinal);
        Assert.Equal("prod_cli1", Assert.Single(kafka.ReadRecords(prefix + "product")).KeyId);
        Assert.Empty(kafka.ReadRecords(prefix + "customer"));

        var skippingReplay = await CommandLineTests.RunAsync(["dlq", "replay", "--skip-signature-check", .. settings]);

        Assert.Equal(ExitCodes.Done, skippingReplay.Exit);
        Assert.Contains("replayed 1 DLQ record(s) of source 'default': produced 1, skipped 0, dead-lettered again 0", skippingReplay.Output, StringComparison.Ordinal);
        var record = Assert.Single(kafka.ReadRecords(prefix + "customer"));
        Assert.Equal("evt_cli_customer1", record.Json.GetProperty("_event_id").GetString());
        Assert.Single(kafka.ReadRecords(prefix + "product"));

        var nothingLeft = await CommandLineTests.RunAsync(["dlq", "replay", "--skip-signature-check", .. settings]);

        Assert.Equal(ExitCodes.Done, nothingLeft.Exit);
        Assert.Contains("replayed 0 DLQ record(s)", nothingLeft.Output, StringComparison.Ordinal);
    }
}
