using System.Reflection;
using System.Text;
using StripeCdc.Configuration;
using StripeCdc.FakeStripe;
using StripeCdc.Pipeline;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Snapshots;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

/// <summary>SPEC §3, snapshot parity: a snapshot record lands in the topic, under the key, of the object's live events.</summary>
/// <remarks>In the Kafka collection only so its 28 snapshots do not run beside the timing-sensitive budget tests.</remarks>
[Collection(KafkaCollection.Name)]
public sealed class SnapshotParityTests
{
    /// <summary>
    /// A live event type of each resource the fake's seeder makes realistic objects of (the whole catalogue's
    /// parity is <see cref="CatalogueParityTests"/>), from Stripe's catalogue. Stripe sends no
    /// <c>balance_transaction.*</c> event; its row names the type one would have.
    /// </summary>
    private static readonly Dictionary<string, string> LiveEventTypes = new(StringComparer.Ordinal)
    {
        ["customer"] = "customer.updated",
        ["charge"] = "charge.updated",
        ["payment_intent"] = "payment_intent.succeeded",
        ["invoice"] = "invoice.updated",
        ["subscription"] = "customer.subscription.updated",
        ["product"] = "product.updated",
        ["price"] = "price.updated",
        ["payout"] = "payout.paid",
        ["refund"] = "refund.updated",
        ["payment_method"] = "payment_method.attached",
        ["balance_transaction"] = "balance_transaction.updated",
        ["coupon"] = "coupon.updated",
        ["plan"] = "plan.updated",
        ["setup_intent"] = "setup_intent.succeeded",
    };

    public static TheoryData<string, string> ResourcesAndRoutings()
    {
        var data = new TheoryData<string, string>();
        foreach (var resource in LiveEventTypes.Keys)
        {
            data.Add(resource, nameof(RoutingMode.EventType));
            data.Add(resource, nameof(RoutingMode.ObjectType));
        }

        return data;
    }

    [Fact]
    public void The_live_event_types_used_here_are_Stripe_s_own()
    {
        var known = typeof(Stripe.EventTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);

        Assert.All(LiveEventTypes.Keys, name => Assert.NotNull(SnapshotResource.Find(name)));
        Assert.All(LiveEventTypes.Where(e => e.Key != "balance_transaction"), e => Assert.Contains(e.Value, known));
        Assert.DoesNotContain(known, type => type.StartsWith("balance_transaction.", StringComparison.Ordinal));
        Assert.All(LiveEventTypes.Keys.Select(SnapshotResource.Find), r => Assert.StartsWith(r!.EventTypePrefix + ".", LiveEventTypes[r.Name], StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ResourcesAndRoutings))]
    public async Task A_snapshot_record_lands_in_the_topic_and_under_the_key_of_the_object_s_live_events(string resource, string routing)
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        if (resource == "payment_method")
        {
            FakeStripeSeeder.Seed(stripe.Data, "customer", 1);
        }

        var id = Assert.Single(FakeStripeSeeder.Seed(stripe.Data, resource, 1));
        var sink = new CapturingSink();
        using var harness = new SnapshotHarness(stripe, kafka: null, settings: [("Routing", routing)], sink: sink);

        var job = await harness.SnapshotAsync(resource);
        Assert.Equal(JobState.Completed, job.State);
        var snapshot = Assert.Single(sink.Records);
        sink.Records.Clear();

        var liveType = LiveEventTypes[resource];
        var live = StripeObjects.Event(liveType, Encoding.UTF8.GetString(stripe.Data.Find(id)!.Json), "evt_parity_" + resource);
        var context = new RecordContext(harness.Source, Encoding.UTF8.GetBytes(live), signatureHeader: null, DateTimeOffset.UtcNow) { SkipSignatureCheck = true };
        await harness.Pipeline.ProcessAsync(context);
        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
        var webhook = Assert.Single(sink.Records);

        Assert.Equal(webhook.Topic, snapshot.Topic);
        Assert.Equal(webhook.Key, snapshot.Key);
        var expectedTopic = harness.Topic(routing == nameof(RoutingMode.ObjectType) ? resource : liveType[..liveType.IndexOf('.', StringComparison.Ordinal)]);
        Assert.Equal(expectedTopic, snapshot.Topic);
        var value = System.Text.Json.JsonDocument.Parse(snapshot.Value).RootElement;
        Assert.Equal(liveType[..liveType.LastIndexOf('.')] + ".snapshot", value.GetProperty("_event_type").GetString());
        Assert.Equal("r", snapshot.Header("__op"));
    }
}
