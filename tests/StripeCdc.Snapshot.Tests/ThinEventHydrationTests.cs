using System.Text;
using StripeCdc.FakeStripe;
using StripeCdc.Pipeline;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

public sealed class ThinEventHydrationTests
{
    [Fact]
    public async Task With_ThinEvents_Hydrate_the_related_object_is_fetched_and_recorded_as_a_snapshot_read()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        stripe.Data.AddRetrievable(new FakeObject("mtr_test_61R9Ijk8BpJ9", 1_790_000_000, StripeObjects.BillingMeter("mtr_test_61R9Ijk8BpJ9")));
        var sink = new CapturingSink();
        using var harness = new SnapshotHarness(stripe, kafka: null, [("ThinEvents", "Hydrate"), ("Resources", "billing")], sink: sink);
        var context = new RecordContext(harness.Source, Encoding.UTF8.GetBytes(StripeObjects.ThinEvent()), "t=1,v1=00", DateTimeOffset.UtcNow) { SkipSignatureCheck = true };

        await harness.Pipeline.ProcessAsync(context);

        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
        var record = Assert.Single(sink.Records);
        Assert.Equal(harness.Topic("billing"), record.Topic);
        Assert.Equal("r", record.Header("__op"));
        var value = System.Text.Json.JsonDocument.Parse(record.Value).RootElement;
        Assert.Equal("mtr_test_61R9Ijk8BpJ9", value.GetProperty("id").GetString());
        Assert.Equal("billing.meter", value.GetProperty("object").GetString());
        Assert.Equal("Search API requests", value.GetProperty("display_name").GetString());
        Assert.Equal("SNAPSHOT", value.GetProperty("__changeType").GetString());
        Assert.Equal("evt_test_65R9Ijk8BpJ9nFz", value.GetProperty("_event_id").GetString());
        Assert.Equal("billing.meter.error_report_triggered", value.GetProperty("_event_type").GetString());
        Assert.Contains(stripe.Log.Requests, r => r.Path == "/v1/billing/meters/mtr_test_61R9Ijk8BpJ9");
    }

    [Fact]
    public async Task A_related_object_that_cannot_be_fetched_goes_to_the_DLQ()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var sink = new CapturingSink();
        using var harness = new SnapshotHarness(stripe, kafka: null, [("ThinEvents", "Hydrate")], sink: sink);
        var body = Encoding.UTF8.GetBytes(StripeObjects.ThinEvent());
        var context = new RecordContext(harness.Source, body, null, DateTimeOffset.UtcNow) { SkipSignatureCheck = true };

        await harness.Pipeline.ProcessAsync(context);

        Assert.Equal(PipelineOutcome.DeadLettered, context.Outcome);
        var record = Assert.Single(sink.Records);
        Assert.Equal(body, record.Value);
        Assert.Equal("module_error", record.Header("__dlq_reason"));
    }
}
