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

    [Fact]
    public async Task On_a_Connect_source_a_thin_event_of_a_connected_account_is_fetched_with_its_Stripe_Account_and_keyed_by_it()
    {
        const string Account = "acct_1ThinHydrate";
        const string MeterId = "mtr_test_61R9Ijk8BpJ9";
        await using var stripe = await FakeStripeServer.StartAsync();
        // The platform holds a meter of the same id under another name: fetched without the header, it would win.
        stripe.Data.AddRetrievable(new FakeObject(MeterId, 1_790_000_000, StripeObjects.BillingMeter(MeterId).Replace("Search API requests", "Platform meter", StringComparison.Ordinal)));
        stripe.Accounts.Add(Account).AddRetrievable(new FakeObject(MeterId, 1_790_000_000, StripeObjects.BillingMeter(MeterId)));
        var sink = new CapturingSink();
        using var harness = new SnapshotHarness(stripe, kafka: null, [("ThinEvents", "Hydrate"), ("Resources", "billing"), ("Connect", "true")], sink: sink);
        var context = new RecordContext(harness.Source, Encoding.UTF8.GetBytes(StripeObjects.ThinEvent(context: Account)), null, DateTimeOffset.UtcNow) { SkipSignatureCheck = true };

        await harness.Pipeline.ProcessAsync(context);

        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
        var fetch = Assert.Single(stripe.Log.Requests, r => r.Path == "/v1/billing/meters/" + MeterId);
        Assert.Equal(Account, fetch.StripeAccount);
        var record = Assert.Single(sink.Records);
        Assert.Equal(Account, record.KeyJson.GetProperty("account").GetString());
        Assert.Equal(MeterId, record.KeyJson.GetProperty("id").GetString());
        var value = System.Text.Json.JsonDocument.Parse(record.Value).RootElement;
        Assert.Equal(Account, value.GetProperty("_account").GetString());
        Assert.Equal("Search API requests", value.GetProperty("display_name").GetString());
    }

    [Fact]
    public async Task On_a_Connect_source_a_thin_event_without_context_is_the_platform_s_own_and_fetched_without_Stripe_Account()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        stripe.Data.AddRetrievable(new FakeObject("mtr_test_61R9Ijk8BpJ9", 1_790_000_000, StripeObjects.BillingMeter("mtr_test_61R9Ijk8BpJ9")));
        var sink = new CapturingSink();
        using var harness = new SnapshotHarness(stripe, kafka: null, [("ThinEvents", "Hydrate"), ("Resources", "billing"), ("Connect", "true")], sink: sink);
        var context = new RecordContext(harness.Source, Encoding.UTF8.GetBytes(StripeObjects.ThinEvent()), null, DateTimeOffset.UtcNow) { SkipSignatureCheck = true };

        await harness.Pipeline.ProcessAsync(context);

        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
        Assert.All(stripe.Log.Requests, r => Assert.Null(r.StripeAccount));
        var record = Assert.Single(sink.Records);
        Assert.False(record.KeyJson.TryGetProperty("account", out _));
        Assert.False(System.Text.Json.JsonDocument.Parse(record.Value).RootElement.TryGetProperty("_account", out _));
    }

    [Fact]
    public async Task On_a_Connect_source_a_thin_event_whose_context_is_not_an_account_id_goes_to_the_DLQ_unfetched()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        stripe.Data.AddRetrievable(new FakeObject("mtr_test_61R9Ijk8BpJ9", 1_790_000_000, StripeObjects.BillingMeter("mtr_test_61R9Ijk8BpJ9")));
        var sink = new CapturingSink();
        using var harness = new SnapshotHarness(stripe, kafka: null, [("ThinEvents", "Hydrate"), ("Connect", "true")], sink: sink);
        var context = new RecordContext(harness.Source, Encoding.UTF8.GetBytes(StripeObjects.ThinEvent(context: "org_1Unknown")), null, DateTimeOffset.UtcNow) { SkipSignatureCheck = true };

        await harness.Pipeline.ProcessAsync(context);

        Assert.Equal(PipelineOutcome.DeadLettered, context.Outcome);
        Assert.Equal(0, stripe.Log.Count);
    }
}
