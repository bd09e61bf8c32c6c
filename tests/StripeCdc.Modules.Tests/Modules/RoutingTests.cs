using StripeCdc.Pipeline;
using StripeCdc.Testing;

namespace StripeCdc.Modules.Tests.Modules;

/// <summary>SPEC §3 routing: resource from the event type or the object type, prefix, unselected resources.</summary>
public sealed class RoutingTests
{
    [Theory]
    [InlineData("customer.subscription.updated", "subscription", "customer")]
    [InlineData("customer.created", "customer", "customer")]
    [InlineData("charge.dispute.created", "dispute", "charge")]
    [InlineData("checkout.session.completed", "checkout.session", "checkout")]
    [InlineData("invoice.payment_succeeded", "invoice", "invoice")]
    public async Task EventType_routing_uses_the_first_segment_of_the_event_type(string type, string objectType, string expectedResource)
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("Resources", "customer,charge,checkout,invoice")));

        var context = await harness.ProcessAsync(StripeObjects.Event(type, ObjectOf(objectType, "obj_1")));

        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
        Assert.Equal(expectedResource, Assert.Single(harness.Sink.Records).Topic);
    }

    [Theory]
    [InlineData("customer.subscription.updated", "subscription", "subscription")]
    [InlineData("charge.dispute.created", "dispute", "dispute")]
    [InlineData("customer.updated", "customer", "customer")]
    public async Task ObjectType_routing_uses_data_object_object(string type, string objectType, string expectedTopic)
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings:
            [("Resources", "customer,subscription,dispute"), ("Routing", "ObjectType")]));

        await harness.ProcessAsync(StripeObjects.Event(type, ObjectOf(objectType, "obj_1")));

        Assert.Equal(expectedTopic, Assert.Single(harness.Sink.Records).Topic);
    }

    [Fact]
    public async Task TopicPrefix_is_prepended_to_the_topic()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("TopicPrefix", "stripe.")));

        await harness.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer()));

        Assert.Equal("stripe.customer", Assert.Single(harness.Sink.Records).Topic);
    }

    [Theory]
    [InlineData("balance.available", """{"object":"balance","available":[{"amount":1000,"currency":"usd"}],"livemode":false}""", """{"id":"balance"}""")]
    [InlineData("tax.settings.updated", """{"object":"tax.settings","defaults":{"tax_behavior":null},"livemode":false,"status":"active"}""", """{"id":"tax.settings"}""")]
    [InlineData("cash_balance.funds_available", """{"object":"cash_balance","available":{"usd":500},"customer":"cus_9","livemode":false}""", """{"id":"cash_balance:cus_9"}""")]
    [InlineData("billing.alert.triggered", """{"object":"billing.alert_triggered","alert":{"id":"alrt_1","object":"billing.alert"},"created":1790000000,"customer":"cus_7","livemode":false,"value":100}""", """{"id":"billing.alert_triggered:cus_7"}""")]
    public async Task An_object_without_an_id_is_keyed_as_its_account_s_or_customer_s_singleton(string type, string dataObject, string key)
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("Resources", "balance,tax,cash_balance,billing")));

        var context = await harness.ProcessAsync(StripeObjects.Event(type, dataObject));

        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
        Assert.Equal(key, System.Text.Encoding.UTF8.GetString(Assert.Single(harness.Sink.Records).Key!));
    }

    [Fact]
    public async Task Key_is_the_data_object_id_as_json()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());

        await harness.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_42")));

        Assert.Equal("""{"id":"cus_42"}""", System.Text.Encoding.UTF8.GetString(Assert.Single(harness.Sink.Records).Key!));
    }

    [Fact]
    public async Task Unselected_resource_under_DEFAULT_TOPIC_goes_to_the_prefixed_default_topic()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings:
            [("TopicPrefix", "stripe."), ("DefaultTopic", "other"), ("UnselectedResourceBehavior", "DEFAULT_TOPIC")]));

        var context = await harness.ProcessAsync(StripeObjects.Event("product.created", ObjectOf("product", "prod_1")));

        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
        Assert.Equal("stripe.other", Assert.Single(harness.Sink.Records).Topic);
    }

    [Fact]
    public async Task Unselected_resource_defaults_to_the_unknown_topic()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());

        await harness.ProcessAsync(StripeObjects.Event("product.created", ObjectOf("product", "prod_1")));

        Assert.Equal("unknown", Assert.Single(harness.Sink.Records).Topic);
    }

    [Fact]
    public async Task Unselected_resource_under_SKIP_produces_nothing()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("UnselectedResourceBehavior", "SKIP")));

        var context = await harness.ProcessAsync(StripeObjects.Event("product.created", ObjectOf("product", "prod_1")));

        Assert.Equal(PipelineOutcome.Skipped, context.Outcome);
        Assert.Empty(harness.Sink.Records);
    }

    [Fact]
    public async Task Unselected_resource_under_FAIL_is_dead_lettered_with_reason_unselected_resource()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("UnselectedResourceBehavior", "FAIL")));
        var body = StripeObjects.Event("product.created", ObjectOf("product", "prod_1"));

        var context = await harness.ProcessAsync(body);

        Assert.Equal(PipelineOutcome.DeadLettered, context.Outcome);
        var dlq = Assert.Single(harness.Sink.Records);
        Assert.Equal("stripe_dlq", dlq.Topic);
        Assert.Equal("unselected_resource", dlq.Header("__dlq_reason"));
        Assert.Equal(body, System.Text.Encoding.UTF8.GetString(dlq.Value));
    }

    [Fact]
    public async Task Selected_resources_accept_any_first_segment()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("Resources", "treasury")));

        await harness.ProcessAsync(StripeObjects.Event("treasury.received_credit.created", ObjectOf("treasury.received_credit", "rc_1")));

        Assert.Equal("treasury", Assert.Single(harness.Sink.Records).Topic);
    }

    internal static string ObjectOf(string objectType, string id) => $$"""{"id":"{{id}}","object":"{{objectType}}","livemode":false}""";
}
