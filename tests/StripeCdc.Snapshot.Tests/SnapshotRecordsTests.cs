using StripeCdc.FakeStripe;
using StripeCdc.Testing;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Snapshots;
using StripeCdc.Snapshot.Tests.Support;

namespace StripeCdc.Snapshot.Tests;

[Collection(KafkaCollection.Name)]
public sealed class SnapshotRecordsTests(KafkaFixture kafka)
{
    private const int ObjectCount = 230;

    /// <summary>The resources the fake's seeder makes realistic objects of, spread over several pages.</summary>
    public static TheoryData<string> Resources() => [.. FakeStripeSeeder.ListPaths.Keys, "payment_method"];

    [Theory]
    [MemberData(nameof(Resources))]
    public async Task N_objects_over_several_pages_become_exactly_N_snapshot_records(string resource)
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        if (resource == "payment_method")
        {
            FakeStripeSeeder.Seed(stripe.Data, "customer", 40);
        }

        var ids = FakeStripeSeeder.Seed(stripe.Data, resource, ObjectCount);
        using var harness = new SnapshotHarness(stripe, kafka);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var job = await harness.SnapshotAsync(resource);

        Assert.Equal(JobState.Completed, job.State);
        Assert.Equal(ObjectCount, job.Objects);
        // Under the default Routing=EventType a subscription's records go where its customer.subscription.* events go.
        var snapshotResource = SnapshotResource.Find(resource)!;
        var records = kafka.ReadRecords(harness.Topic(snapshotResource.RoutedResource(Configuration.RoutingMode.EventType)));
        Assert.Equal(ObjectCount, records.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), records.Select(r => r.KeyId).Order(StringComparer.Ordinal));
        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.All(records, record =>
        {
            Assert.Equal("r", record.Header("__op"));
            var value = record.Json;
            Assert.Equal(record.KeyId, value.GetProperty("id").GetString());
            Assert.Equal(resource, value.GetProperty("object").GetString());
            Assert.Equal("SNAPSHOT", value.GetProperty("__changeType").GetString());
            Assert.False(value.GetProperty("__deleted").GetBoolean());
            Assert.Equal(snapshotResource.EventTypePrefix + ".snapshot", value.GetProperty("_event_type").GetString());
            Assert.StartsWith($"snapshot:{job.Id}:{resource}:", value.GetProperty("_event_id").GetString(), StringComparison.Ordinal);
            Assert.InRange(value.GetProperty("_event_created").GetInt64(), before, after);
            Assert.Single(record.KeyJson.EnumerateObject());
        });
    }

    [Fact]
    public async Task A_record_carries_the_time_its_page_was_asked_for_not_when_it_was_written()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        FakeStripeSeeder.Seed(stripe.Data, "customer", 3);
        stripe.Faults.PageDelay = TimeSpan.FromSeconds(4);
        var sink = new CapturingSink();
        using var harness = new SnapshotHarness(stripe, kafka: null, sink: sink);

        await harness.SnapshotAsync("customer");
        var written = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        // A change made while the page was on its way has a later event, which must win over this read.
        var stamps = sink.ValuesOf(harness.Topic("customer")).Select(v => v.GetProperty("_event_created").GetInt64()).ToList();
        Assert.Equal(3, stamps.Count);
        Assert.All(stamps, stamp => Assert.True(stamp <= written - 4, $"stamped {stamp}, written at {written}: the read time must precede the 4 s the page took"));
    }

    [Fact]
    public async Task Cancelled_subscriptions_are_read_too_because_the_list_asks_for_status_all()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        FakeStripeSeeder.Seed(stripe.Data, "subscription", 25);
        using var harness = new SnapshotHarness(stripe, kafka);

        await harness.SnapshotAsync("subscription");

        var statuses = kafka.ReadRecords(harness.Topic("customer")).Select(r => r.Json.GetProperty("status").GetString()).ToList();
        Assert.Equal(25, statuses.Count);
        Assert.Equal(5, statuses.Count(s => s == "canceled"));
        Assert.All(stripe.Log.Requests.Where(r => r.Path == "/v1/subscriptions"), r => Assert.Contains("status=all", r.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_resource_runs_in_parallel_in_one_snapshot()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        FakeStripeSeeder.Seed(stripe.Data, "customer", 120);
        FakeStripeSeeder.Seed(stripe.Data, "charge", 120);
        FakeStripeSeeder.Seed(stripe.Data, "product", 120);
        stripe.Faults.PageDelay = TimeSpan.FromMilliseconds(200);
        using var harness = new SnapshotHarness(stripe, kafka);

        var job = await harness.SnapshotAsync("customer", "charge", "product");

        Assert.Equal(JobState.Completed, job.State);
        var firsts = stripe.Log.Requests.GroupBy(r => r.Path).Select(g => g.Min(r => r.At)).ToList();
        Assert.Equal(3, firsts.Count);
        Assert.True(firsts.Max() - firsts.Min() < TimeSpan.FromMilliseconds(300), "the three resources started together, not one after another");
    }
}
