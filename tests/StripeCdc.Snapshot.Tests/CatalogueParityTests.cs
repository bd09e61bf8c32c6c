using System.Reflection;
using System.Text;
using System.Text.Json;
using StripeCdc.Configuration;
using StripeCdc.FakeStripe;
using StripeCdc.Pipeline;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Snapshots;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

/// <summary>
/// SPEC §3 and §6 over the whole catalogue: <c>--resources all</c> reads one object of every resource from
/// the fake Stripe API, and each snapshot record lands in the topic, under the key, of that object's live
/// events (a real event type from Stripe.net's catalogue, run through the same pipeline).
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class CatalogueParityTests
{
    private static readonly string[] LiveEventTypes = [.. typeof(Stripe.EventTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)];

    /// <summary>Objects whose live events are not named after them (the test's own knowledge, not the catalogue's).</summary>
    private static readonly Dictionary<string, string> EventsNamedOtherwise = new(StringComparer.Ordinal)
    {
        ["subscription"] = "customer.subscription.updated",
        ["dispute"] = "charge.dispute.updated",
        ["tax_id"] = "customer.tax_id.updated",
    };

    [Theory]
    [InlineData(nameof(RoutingMode.EventType))]
    [InlineData(nameof(RoutingMode.ObjectType))]
    public async Task A_snapshot_of_all_resources_lands_where_each_object_s_live_events_land(string routing)
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var ids = CatalogueSeeder.SeedOneOfEach(stripe.Data, FakeStripeSeeder.StartTime);
        var sink = new CapturingSink();
        var routingMode = Enum.Parse<RoutingMode>(routing);
        var selected = SnapshotResource.All.SelectMany(r => new[] { r.Name, r.RoutedResource(routingMode) }).Distinct();
        using var harness = new SnapshotHarness(stripe, kafka: null, settings: [("Routing", routing), ("Resources", string.Join(",", selected))], sink: sink);

        var job = await harness.SnapshotAsync(SnapshotResource.Expand([SnapshotResource.AllName]).ToArray());

        Assert.Equal(JobState.Completed, job.State);
        Assert.All(job.Resources, r => Assert.Equal(JobState.Completed, r.State));
        var snapshots = sink.Records.ToList();
        Assert.Equal(SnapshotResource.All.Count, snapshots.Count);
        foreach (var resource in SnapshotResource.All)
        {
            var snapshot = Assert.Single(snapshots, r => Value(r.Value).GetProperty("object").GetString() == resource.Name);
            var value = Value(snapshot.Value);
            Assert.Equal(ids[resource.Name], value.TryGetProperty("id", out var id) ? id.GetString() : null);
            Assert.Equal(resource.EventTypePrefix + ".snapshot", value.GetProperty("_event_type").GetString());
            Assert.Equal("r", snapshot.Header("__op"));

            var liveType = LiveEventType(resource.Name);
            if (liveType is null)
            {
                // Stripe sends no event for this type: the record goes where its own name routes.
                Assert.Equal(harness.Topic(resource.RoutedResource(routingMode)), snapshot.Topic);
                continue;
            }

            sink.Records.Clear();
            var objectJson = JsonSerializer.Serialize(value.EnumerateObject().Where(p => !p.Name.StartsWith('_')).ToDictionary(p => p.Name, p => p.Value));
            var live = StripeObjects.Event(liveType, objectJson, "evt_parity_" + resource.Name.Replace('.', '_'));
            var context = new RecordContext(harness.Source, Encoding.UTF8.GetBytes(live), signatureHeader: null, DateTimeOffset.UtcNow) { SkipSignatureCheck = true };
            await harness.Pipeline.ProcessAsync(context);
            Assert.Equal(PipelineOutcome.Produced, context.Outcome);
            var webhook = Assert.Single(sink.Records);
            Assert.True(webhook.Topic == snapshot.Topic, $"{resource.Name}: the snapshot went to {snapshot.Topic}, its live event {liveType} to {webhook.Topic}");
            Assert.Equal(webhook.Key, snapshot.Key);
            Assert.Equal(liveType[..liveType.LastIndexOf('.')] + ".snapshot", value.GetProperty("_event_type").GetString());
        }

        Assert.True(SnapshotResource.All.Count(r => LiveEventType(r.Name) is not null) >= 40, "most resources have live events to compare with");
    }

    /// <summary>An event type Stripe sends for the object: named after it (<c>issuing_card.*</c> for <c>issuing.card</c>) or listed above.</summary>
    private static string? LiveEventType(string objectType) =>
        EventsNamedOtherwise.GetValueOrDefault(objectType)
        ?? LiveEventTypes.FirstOrDefault(t => t.Contains('.', StringComparison.Ordinal) && !t.EndsWith(".deleted", StringComparison.Ordinal)
            && t[..t.LastIndexOf('.')] is var prefix
            && (prefix == objectType || prefix == objectType.Replace('.', '_')));

    private static JsonElement Value(byte[] value) => JsonDocument.Parse(value).RootElement;
}
