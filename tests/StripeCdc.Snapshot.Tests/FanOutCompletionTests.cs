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
        Assert.Contains(stripe.Log.Requests, r => r.Path == $"/v1/invoices/{invoiceId}/lines" && !r.Query.Contains("starting_after", StringComparison.Ordinal));
        Assert.Single(kafka.ReadRecords(harness.Topic("invoice")));
    }

    [Fact]
    public async Task A_cut_list_is_read_whole_from_the_API_even_when_it_changed_since_the_event()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var sink = new CapturingSink();
        using var harness = new SnapshotHarness(stripe, kafka: null, [("FanOutFields", "invoice.lines")], sink: sink);
        const string invoiceId = "in_1ChangedLines0001";

        // Stripe holds lines 5–19 now; the event embedded lines 0–9, and 0–4 were removed since.
        for (var i = 5; i < 20; i++)
        {
            var lineId = StripeObjects.LineId(invoiceId, i);
            stripe.Data.Add($"/v1/invoices/{invoiceId}/lines", new FakeObject(lineId, 2_000_000_000 - i, StripeObjects.InvoiceLine(lineId, invoiceId, i)));
        }

        var body = StripeObjects.Event("invoice.updated", StripeObjects.Invoice(invoiceId, lines: 10, linesHaveMore: true), id: "evt_changed_lines");
        var context = new Pipeline.RecordContext(harness.Source, System.Text.Encoding.UTF8.GetBytes(body), null, DateTimeOffset.UtcNow) { SkipSignatureCheck = true };
        await harness.Pipeline.ProcessAsync(context);

        var lines = sink.Records.Where(r => r.Topic == harness.Topic("invoice_lines"))
            .Select(r => r.KeyJson.GetProperty("item_id").GetString())
            .ToList();
        Assert.Equal(Enumerable.Range(5, 15).Select(i => StripeObjects.LineId(invoiceId, i)), lines.Order(StringComparer.Ordinal));
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

        var refunds = await completer.FetchListAsync(harness.Source, entry, chargeId, CancellationToken.None);

        Assert.NotNull(refunds);
        Assert.Equal(25, refunds.Count);
        Assert.Contains(stripe.Log.Requests, r => r.Path == "/v1/refunds" && r.Query.Contains("charge=" + chargeId, StringComparison.Ordinal));

        var items = await completer.FetchListAsync(harness.Source, Modules.FanOut.FanOutEntry.Parse("subscription.items"), "sub_X", CancellationToken.None);
        Assert.NotNull(items);
        Assert.Contains(stripe.Log.Requests, r => r.Path == "/v1/subscription_items" && r.Query.Contains("subscription=sub_X", StringComparison.Ordinal));
    }
}
