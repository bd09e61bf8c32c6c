using System.Text;
using StripeCdc.FakeStripe;
using StripeCdc.Ledger;
using StripeCdc.Pipeline;
using StripeCdc.Sinks.Kafka;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

/// <summary>SPEC §6 (amended): reconciliation against the real Kafka event ledger and DLQ.</summary>
[Collection(KafkaCollection.Name)]
public sealed class ReconciliationLedgerTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Each_reconciled_event_is_written_to_the_ledger_once()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var ids = AddEvents(stripe, "evt_once", 20, now, "customer.updated", i => StripeObjects.Customer($"cus_once{i:D3}"));
        var ledgerTopic = NewLedgerTopic();
        using var harness = new SnapshotHarness(stripe, kafka, settings: [("StripeCdc:Ledger:Topic", ledgerTopic)], configure: (s, c) => s.AddKafkaEventLedger(c));
        await harness.StartHostedServicesAsync();

        var job = await harness.ReconcileAsync(DateTimeOffset.FromUnixTimeSeconds(now - 3600));
        await harness.StopHostedServicesAsync();

        Assert.Equal(JobState.Completed, job.State);
        Assert.Equal(20, job.Delivered);
        var ledgerKeys = kafka.ReadAll(ledgerTopic).Select(r => Encoding.UTF8.GetString(r.Message.Key)).ToList();
        Assert.All(ids, id => Assert.Single(ledgerKeys, key => key.EndsWith("/" + id, StringComparison.Ordinal)));
        Assert.Equal(20, ledgerKeys.Count);
    }

    [Fact]
    public async Task An_event_already_in_the_DLQ_is_not_dead_lettered_again_by_the_next_runs_nor_after_a_restart()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        // product is not selected and the source FAILs unselected resources: each such event goes to the DLQ.
        var rejected = AddEvents(stripe, "evt_dlq", 3, now, "product.updated", i => StripeObjects.Product($"prod_dlq{i:D3}"));
        AddEvents(stripe, "evt_ok", 2, now, "customer.updated", i => StripeObjects.Customer($"cus_ok{i:D3}"));
        var ledgerTopic = NewLedgerTopic();
        (string, string?)[] settings =
        [
            ("StripeCdc:Ledger:Topic", ledgerTopic),
            ("Resources", "customer"),
            ("UnselectedResourceBehavior", "FAIL"),
        ];
        using var harness = new SnapshotHarness(stripe, kafka, settings, configure: (s, c) => s.AddKafkaEventLedger(c));
        await harness.StartHostedServicesAsync();
        var dlq = harness.Topic("stripe_dlq");

        // The ingest dead-lettered the first one already (a verified delivery; same pipeline).
        var delivered = Encoding.UTF8.GetBytes(StripeObjects.Event("product.updated", StripeObjects.Product("prod_dlq000"), rejected[0], now - 3000));
        var webhook = new RecordContext(harness.Source, delivered, signatureHeader: null, DateTimeOffset.UtcNow) { SkipSignatureCheck = true };
        await harness.Pipeline.ProcessAsync(webhook);
        Assert.Equal(PipelineOutcome.DeadLettered, webhook.Outcome);

        var from = DateTimeOffset.FromUnixTimeSeconds(now - 3600);
        var first = await harness.ReconcileAsync(from);
        var second = await harness.ReconcileAsync(from);
        await harness.StopHostedServicesAsync();

        Assert.Equal((2, 2, 1), (first.Delivered, first.DeadLettered, first.AlreadyDeadLettered));
        Assert.Equal((0, 0, 3, 2), (second.Delivered, second.DeadLettered, second.AlreadyDeadLettered, second.AlreadyCommitted));

        using var restarted = new SnapshotHarness(stripe, kafka, settings, topicPrefix: harness.TopicPrefix, configure: (s, c) => s.AddKafkaEventLedger(c));
        await restarted.StartHostedServicesAsync();
        var third = await restarted.ReconcileAsync(from);
        await restarted.StopHostedServicesAsync();

        Assert.Equal((0, 0, 3), (third.Delivered, third.DeadLettered, third.AlreadyDeadLettered));
        var dead = kafka.ReadAll(dlq);
        Assert.Equal(3, dead.Count);
        Assert.Equal(rejected.Order(StringComparer.Ordinal), dead.Select(r => EventId(r.Message.Value)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_signature_rejection_does_not_keep_reconciliation_from_delivering_the_real_event()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var id = Assert.Single(AddEvents(stripe, "evt_forged", 1, now, "customer.updated", _ => StripeObjects.Customer("cus_forged")));
        var ledgerTopic = NewLedgerTopic();
        (string, string?)[] settings = [("StripeCdc:Ledger:Topic", ledgerTopic), ("SigningSecrets", "whsec_reconcile_test_secret")];
        using var harness = new SnapshotHarness(stripe, kafka, settings, configure: (s, c) => s.AddKafkaEventLedger(c));
        await harness.StartHostedServicesAsync();

        // Someone posts a body naming the real event id, without a valid signature: it goes to the DLQ...
        var forged = Encoding.UTF8.GetBytes(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_forged"), id, now - 3000));
        var context = new RecordContext(harness.Source, forged, "t=1,v1=00", DateTimeOffset.UtcNow);
        await harness.Pipeline.ProcessAsync(context);
        Assert.Equal(PipelineOutcome.DeadLettered, context.Outcome);

        // ...but the unverified id is not remembered as dead-lettered, so reconciliation still delivers the event.
        var job = await harness.ReconcileAsync(DateTimeOffset.FromUnixTimeSeconds(now - 3600));
        await harness.StopHostedServicesAsync();

        Assert.Equal((1, 0), (job.Delivered, job.AlreadyDeadLettered));
    }

    private string NewLedgerTopic()
    {
        var topic = "ledger_" + Guid.NewGuid().ToString("N")[..10];
        kafka.Cluster.CreateTopic(topic, partitions: 3);
        return topic;
    }

    private static List<string> AddEvents(FakeStripeServer stripe, string prefix, int count, long now, string type, Func<int, string> dataObject)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var id = $"{prefix}{i:D4}";
            var created = now - 3000 + i;
            stripe.Data.Add("/v1/events", new FakeObject(id, created, StripeObjects.Event(type, dataObject(i), id, created), new Dictionary<string, string> { ["type"] = type }));
            ids.Add(id);
        }

        return ids;
    }

    private static string EventId(byte[] body) =>
        System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
}
