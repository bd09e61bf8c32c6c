using System.Text;
using StripeCdc.Records;
using StripeCdc.Testing;

namespace StripeCdc.Modules.Tests.Modules;

/// <summary>SPEC §4: one child record per element of a configured nested list.</summary>
public sealed class FanOutTests
{
    [Fact]
    public async Task Invoice_lines_become_invoice_lines_records_keyed_by_invoice_and_line()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("FanOutFields", "invoice.lines")));

        await harness.ProcessAsync(StripeObjects.Event("invoice.finalized", StripeObjects.Invoice("in_1", lines: 3), id: "evt_inv"));

        var parent = Assert.Single(harness.Sink.Records, r => r.Role == RecordRole.Parent);
        Assert.Equal("invoice", parent.Topic);
        var children = harness.Sink.Records.Where(r => r.Role == RecordRole.Child).ToList();
        Assert.Equal(3, children.Count);
        for (var i = 0; i < 3; i++)
        {
            var child = children[i];
            Assert.Equal("invoice_lines", child.Topic);
            Assert.Equal($$"""{"id":"in_1","item_id":"{{StripeObjects.LineId("in_1", i)}}"}""", Encoding.UTF8.GetString(child.Key!));
            Assert.Equal("line_item", child.Json.GetProperty("object").GetString());
            Assert.Equal("evt_inv", child.Json.GetProperty("_ctx_event_id").GetString());
            Assert.Equal("FINALIZED", child.Json.GetProperty("__changeType").GetString());
            Assert.Equal("u", child.Header("__op"));
            Assert.False(child.Json.TryGetProperty("_fanout_truncated", out _));
        }
    }

    [Fact]
    public async Task Charge_refunds_become_charge_refunds_records()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("FanOutFields", "charge.refunds")));

        await harness.ProcessAsync(StripeObjects.Event("charge.refunded", StripeObjects.Charge("ch_1", refunds: 2)));

        var children = harness.Sink.Records.Where(r => r.Role == RecordRole.Child).ToList();
        Assert.Equal(2, children.Count);
        Assert.All(children, c => Assert.Equal("charge_refunds", c.Topic));
        Assert.Equal("""{"id":"ch_1","item_id":"re_1001"}""", Encoding.UTF8.GetString(children[0].Key!));
        Assert.Equal("REFUNDED", children[0].Json.GetProperty("__changeType").GetString());
    }

    [Fact]
    public async Task Subscription_items_arrive_as_customer_subscription_events()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("FanOutFields", "subscription.items")));

        await harness.ProcessAsync(StripeObjects.Event("customer.subscription.created", StripeObjects.Subscription("sub_1", items: 2)));

        var parent = Assert.Single(harness.Sink.Records, r => r.Role == RecordRole.Parent);
        Assert.Equal("customer", parent.Topic);
        var children = harness.Sink.Records.Where(r => r.Role == RecordRole.Child).ToList();
        Assert.Equal(2, children.Count);
        Assert.All(children, c => Assert.Equal("subscription_items", c.Topic));
        Assert.Equal("""{"id":"sub_1","item_id":"si_101"}""", Encoding.UTF8.GetString(children[0].Key!));
        Assert.Equal("c", children[0].Header("__op"));
        Assert.Equal("CREATE", children[0].Json.GetProperty("__changeType").GetString());
    }

    [Fact]
    public async Task A_list_with_has_more_and_no_api_key_marks_every_child_truncated()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("FanOutFields", "invoice.lines")));

        await harness.ProcessAsync(StripeObjects.Event("invoice.updated", StripeObjects.Invoice("in_2", lines: 10, linesHaveMore: true)));

        var children = harness.Sink.Records.Where(r => r.Role == RecordRole.Child).ToList();
        Assert.Equal(10, children.Count);
        Assert.All(children, c => Assert.True(c.Json.GetProperty("_fanout_truncated").GetBoolean()));
    }

    [Fact]
    public async Task Fan_out_topics_take_the_prefix()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: [("FanOutFields", "invoice.lines"), ("TopicPrefix", "stripe.")]));

        await harness.ProcessAsync(StripeObjects.Event("invoice.created", StripeObjects.Invoice(lines: 1)));

        Assert.Contains(harness.Sink.Records, r => r.Topic == "stripe.invoice_lines");
    }

    [Fact]
    public async Task Objects_of_other_types_are_not_fanned_out()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("FanOutFields", "invoice.lines,charge.refunds")));

        await harness.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer()));

        Assert.Single(harness.Sink.Records);
    }

    [Fact]
    public async Task Without_FanOutFields_there_are_no_children()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());

        await harness.ProcessAsync(StripeObjects.Event("invoice.created", StripeObjects.Invoice(lines: 3)));

        Assert.Equal(RecordRole.Parent, Assert.Single(harness.Sink.Records).Role);
    }

    [Fact]
    public async Task A_fanned_out_event_writes_all_records_in_one_batch_with_the_parent_first()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("FanOutFields", "charge.refunds")));

        await harness.ProcessAsync(StripeObjects.Event("charge.refunded", StripeObjects.Charge(refunds: 3)));

        Assert.Equal([RecordRole.Parent, RecordRole.Child, RecordRole.Child, RecordRole.Child], harness.Sink.Records.Select(r => r.Role));
    }
}
