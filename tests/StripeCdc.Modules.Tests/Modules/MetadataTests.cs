using System.Text.Json;
using StripeCdc.Pipeline;
using StripeCdc.Testing;

namespace StripeCdc.Modules.Tests.Modules;

/// <summary>SPEC §3 record content: metadata fields, change types, ops, deletes.</summary>
public sealed class MetadataTests
{
    [Theory]
    [InlineData("customer.created", "CREATE", "c")]
    [InlineData("customer.updated", "UPDATE", "u")]
    [InlineData("customer.deleted", "DELETE", "d")]
    [InlineData("payment_intent.succeeded", "SUCCEEDED", "u")]
    [InlineData("payment_intent.payment_failed", "FAILED", "u")]
    [InlineData("charge.failed", "FAILED", "u")]
    [InlineData("charge.refunded", "REFUNDED", "u")]
    [InlineData("invoice.paid", "PAID", "u")]
    [InlineData("invoice.finalized", "FINALIZED", "u")]
    [InlineData("charge.captured", "CAPTURED", "u")]
    [InlineData("invoice.payment_succeeded", "PAYMENT_SUCCEEDED", "u")]
    [InlineData("customer.subscription.trial_will_end", "TRIAL_WILL_END", "u")]
    public async Task Change_type_and_op_come_from_the_action(string type, string changeType, string op)
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("Resources", "customer,payment_intent,charge,invoice")));

        await harness.ProcessAsync(StripeObjects.Event(type, RoutingTests.ObjectOf("thing", "obj_1")));

        var record = Assert.Single(harness.Sink.Records);
        Assert.Equal(changeType, record.Json.GetProperty("__changeType").GetString());
        Assert.Equal(op, record.Header("__op"));
    }

    [Theory]
    [InlineData("customer.deleted", true)]
    [InlineData("customer.subscription.deleted", true)]
    [InlineData("customer.updated", false)]
    [InlineData("customer.created", false)]
    public async Task Deleted_is_true_only_for_delete_actions(string type, bool deleted)
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());

        await harness.ProcessAsync(StripeObjects.Event(type, StripeObjects.Customer()));

        Assert.Equal(deleted, Assert.Single(harness.Sink.Records).Json.GetProperty("__deleted").GetBoolean());
    }

    [Fact]
    public async Task Snapshot_reads_are_SNAPSHOT_with_op_r()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());

        await harness.ProcessAsync(StripeObjects.Event("customer.snapshot", StripeObjects.Customer()), kind: RecordKind.Snapshot);

        var record = Assert.Single(harness.Sink.Records);
        Assert.Equal("SNAPSHOT", record.Json.GetProperty("__changeType").GetString());
        Assert.False(record.Json.GetProperty("__deleted").GetBoolean());
        Assert.Equal("r", record.Header("__op"));
    }

    [Fact]
    public async Task Value_has_every_field_of_data_object_unchanged_plus_the_event_fields()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());
        var customer = StripeObjects.Customer("cus_A");

        await harness.ProcessAsync(StripeObjects.Event(
            "customer.updated",
            customer,
            id: "evt_9",
            created: 1_790_000_123,
            previousAttributes: """{"email":"old@example.com","metadata":{"segment":null}}""",
            apiVersion: "2024-06-20",
            livemode: true));

        var value = Assert.Single(harness.Sink.Records).Json;
        foreach (var property in JsonDocument.Parse(customer).RootElement.EnumerateObject())
        {
            Assert.Equal(property.Value.GetRawText(), value.GetProperty(property.Name).GetRawText());
        }

        Assert.Equal("evt_9", value.GetProperty("_event_id").GetString());
        Assert.Equal("customer.updated", value.GetProperty("_event_type").GetString());
        Assert.Equal(1_790_000_123, value.GetProperty("_event_created").GetInt64());
        Assert.Equal("2024-06-20", value.GetProperty("_api_version").GetString());
        Assert.True(value.GetProperty("_livemode").GetBoolean());
        Assert.Equal("old@example.com", value.GetProperty("_previous_attributes").GetProperty("email").GetString());
        Assert.False(value.TryGetProperty("_account", out _));
    }

    [Fact]
    public async Task Previous_attributes_is_null_when_the_event_has_none()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());

        await harness.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer()));

        Assert.Equal(JsonValueKind.Null, Assert.Single(harness.Sink.Records).Json.GetProperty("_previous_attributes").ValueKind);
    }

    [Fact]
    public async Task Connect_events_carry_account()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());

        await harness.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer(), account: "acct_1032D82eZvKYlo2C"));

        Assert.Equal("acct_1032D82eZvKYlo2C", Assert.Single(harness.Sink.Records).Json.GetProperty("_account").GetString());
    }

    [Fact]
    public async Task IncludeEventMetadata_off_leaves_only_the_object_and_the_cdc_fields()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("IncludeEventMetadata", "false")));
        var customer = StripeObjects.Customer();

        await harness.ProcessAsync(StripeObjects.Event("customer.deleted", customer, account: "acct_1"));

        var value = Assert.Single(harness.Sink.Records).Json;
        var names = value.EnumerateObject().Select(p => p.Name).ToList();
        Assert.DoesNotContain(names, n => n.StartsWith("_event_", StringComparison.Ordinal) || n is "_api_version" or "_livemode" or "_previous_attributes" or "_account");
        Assert.True(value.GetProperty("__deleted").GetBoolean());
        Assert.Equal("DELETE", value.GetProperty("__changeType").GetString());
        Assert.Equal(JsonDocument.Parse(customer).RootElement.EnumerateObject().Count() + 2, names.Count);
    }

    [Fact]
    public async Task An_empty_data_object_still_gets_valid_json()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());

        await harness.ProcessAsync("""{"id":"evt_1","type":"customer.updated","created":1,"data":{"object":{ }}}""");

        var value = Assert.Single(harness.Sink.Records).Json;
        Assert.Equal("UPDATE", value.GetProperty("__changeType").GetString());
        Assert.Equal("""{"id":null}""", System.Text.Encoding.UTF8.GetString(harness.Sink.Records.Single().Key!));
    }

    [Fact]
    public async Task Pretty_printed_payloads_keep_their_fields()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());
        var body = """
            {
              "id": "evt_pretty",
              "object": "event",
              "type": "customer.created",
              "created": 5,
              "data": {
                "object": {
                  "id": "cus_p",
                  "object": "customer",
                  "name": "A \"quoted\" name"
                }
              }
            }
            """;

        await harness.ProcessAsync(body);

        var value = Assert.Single(harness.Sink.Records).Json;
        Assert.Equal("A \"quoted\" name", value.GetProperty("name").GetString());
        Assert.Equal("evt_pretty", value.GetProperty("_event_id").GetString());
    }
}
