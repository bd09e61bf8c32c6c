using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

[Collection(KafkaCollection.Name)]
public sealed class FanOutCompletionTests(KafkaFixture kafka)
{
    [Fact]
    public async Task An_invoice_with_250_lines_and_has_more_produces_250_invoice_lines_records()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var invoiceId = FakeStripeSeeder.SeedInvoiceWithLines(stripe.Data, "in_1BigInvoice250", 250);
        using var harness = new SnapshotHarness(stripe, kafka, [("FanOutFields", "invoice.lines")]);

        await harness.SnapshotAsync("invoice");

        var lines = kafka.ReadRecords(harness.Topic("invoice_lines"));
        Assert.Equal(250, lines.Count);
        Assert.Equal(
            Enumerable.Range(0, 250).Select(i => StripeObjects.LineId(invoiceId, i)).Order(StringComparer.Ordinal),
            lines.Select(l => l.KeyJson.GetProperty("item_id").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(lines, l =>
        {
            Assert.Equal(invoiceId, l.KeyId);
            Assert.False(l.Json.TryGetProperty("_fanout_truncated", out _));
            Assert.Equal("SNAPSHOT", l.Json.GetProperty("__changeType").GetString());
            Assert.Equal("r", l.Header("__op"));
        });
        Assert.Contains(stripe.Log.Requests, r => r.Path == $"/v1/invoices/{invoiceId}/lines" && r.Query.Contains("starting_after=" + StripeObjects.LineId(invoiceId, 9), StringComparison.Ordinal));
        Assert.Single(kafka.ReadRecords(harness.Topic("invoice")));
    }

    [Fact]
    public async Task Charge_refunds_and_subscription_items_are_completed_from_their_lists()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var sink = new CapturingSink();
        using var harness = new SnapshotHarness(stripe, kafka: null, [("FanOutFields", "charge.refunds,subscription.items")], sink: sink);
        const string chargeId = "ch_3Refunds000000001";
        for (var i = 1; i <= 25; i++)
        {
            var refundId = $"re_{chargeId[3..]}{i:D3}";
            stripe.Data.Add("/v1/refunds", new FakeObject(refundId, 2_000_000_000 - i, StripeObjects.Refund(refundId, chargeId), new Dictionary<string, string> { ["charge"] = chargeId }));
        }

        var completer = harness.Services.GetService(typeof(Modules.FanOut.IFanOutCompleter)) as Modules.FanOut.IFanOutCompleter;
        Assert.NotNull(completer);
        var entry = Modules.FanOut.FanOutEntry.Parse("charge.refunds");

        var remaining = await completer.FetchRemainingAsync(harness.Source, entry, chargeId, $"re_{chargeId[3..]}010", CancellationToken.None);

        Assert.NotNull(remaining);
        Assert.Equal(15, remaining.Count);
        Assert.Contains(stripe.Log.Requests, r => r.Path == "/v1/refunds" && r.Query.Contains("charge=" + chargeId, StringComparison.Ordinal));

        var items = await completer.FetchRemainingAsync(harness.Source, Modules.FanOut.FanOutEntry.Parse("subscription.items"), "sub_X", null, CancellationToken.None);
        Assert.NotNull(items);
        Assert.Contains(stripe.Log.Requests, r => r.Path == "/v1/subscription_items" && r.Query.Contains("subscription=sub_X", StringComparison.Ordinal));
    }
}
