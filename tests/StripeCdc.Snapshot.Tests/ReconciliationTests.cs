using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

[Collection(KafkaCollection.Name)]
public sealed class ReconciliationTests(KafkaFixture kafka)
{
    [Fact]
    public async Task After_an_outage_reconciliation_delivers_exactly_the_missed_events_and_a_second_run_adds_nothing()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var ledger = new InMemoryEventLedger();
        var missed = new List<string>();
        for (var i = 0; i < 150; i++)
        {
            // Two hours of events, one every 30 s; those of the middle hour were lost in an outage.
            var created = now - 7200 + (i * 30) + 30;
            var id = $"evt_recon{i:D5}";
            var customer = $"cus_recon{i % 40:D4}";
            stripe.Data.Add("/v1/events", new FakeObject(id, created, StripeObjects.Event("customer.updated", StripeObjects.Customer(customer), id, created),
                new Dictionary<string, string> { ["type"] = "customer.updated", ["delivery_success"] = i is >= 50 and < 100 ? "false" : "true" }));
            if (i is >= 50 and < 100)
            {
                missed.Add(id);
            }
            else
            {
                await ledger.MarkCommittedAsync("default", id);
            }
        }

        // Newer than the reconciliation lag: the Events API may not be complete yet, so it waits for the next run.
        stripe.Data.Add("/v1/events", new FakeObject("evt_toonew", now - 5, StripeObjects.Event("customer.created", StripeObjects.Customer("cus_new"), "evt_toonew", now - 5)));

        using var harness = new SnapshotHarness(stripe, kafka, ledger: ledger);
        var from = DateTimeOffset.FromUnixTimeSeconds(now - 7300);

        var first = await harness.ReconcileAsync(from);

        Assert.Equal(JobState.Completed, first.State);
        Assert.Equal(150, first.Listed);
        Assert.Equal(50, first.Delivered);
        Assert.Equal(100, first.AlreadyCommitted);
        var records = kafka.ReadRecords(harness.Topic("customer"));
        Assert.Equal(missed.Order(StringComparer.Ordinal), records.Select(r => r.Json.GetProperty("_event_id").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(records, r => Assert.Equal("u", r.Header("__op")));
        Assert.Contains(stripe.Log.Requests, r => r.Path == "/v1/events" && r.Query.Contains("created%5Bgte%5D", StringComparison.Ordinal) | r.Query.Contains("created[gte]", StringComparison.Ordinal));

        var second = await harness.ReconcileAsync(from);
        Assert.Equal(0, second.Delivered);
        Assert.Equal(150, second.AlreadyCommitted);

        // A restarted worker (new services, same durable ledger) adds nothing either.
        using var restarted = new SnapshotHarness(stripe, kafka, ledger: ledger, topicPrefix: harness.TopicPrefix);
        var third = await restarted.ReconcileAsync(from);
        Assert.Equal(0, third.Delivered);
        Assert.Equal(50, kafka.ReadRecords(harness.Topic("customer")).Count);
    }

    [Fact]
    public async Task Only_failed_deliveries_can_be_asked_for()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        for (var i = 0; i < 10; i++)
        {
            var id = $"evt_failed{i:D3}";
            stripe.Data.Add("/v1/events", new FakeObject(id, now - 600 + i, StripeObjects.Event("customer.updated", StripeObjects.Customer($"cus_f{i}"), id, now - 600 + i),
                new Dictionary<string, string> { ["delivery_success"] = i < 3 ? "false" : "true" }));
        }

        using var harness = new SnapshotHarness(stripe, kafka, ledger: new InMemoryEventLedger());

        var job = await harness.ReconcileAsync(DateTimeOffset.FromUnixTimeSeconds(now - 3600), onlyFailed: true);

        Assert.Equal(3, job.Delivered);
        Assert.All(stripe.Log.Requests, r => Assert.Contains("delivery_success=false", r.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_window_is_clamped_to_the_30_days_Stripe_keeps()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        using var harness = new SnapshotHarness(stripe, kafka, ledger: new InMemoryEventLedger());

        var job = await harness.ReconcileAsync(DateTimeOffset.UtcNow.AddDays(-90));

        Assert.Equal(JobState.Completed, job.State);
        Assert.InRange(job.From, DateTimeOffset.UtcNow.AddDays(-30).AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(-30).AddMinutes(1));
        Assert.InRange(job.To!.Value, DateTimeOffset.UtcNow.AddSeconds(-70), DateTimeOffset.UtcNow.AddSeconds(-55));
    }
}
