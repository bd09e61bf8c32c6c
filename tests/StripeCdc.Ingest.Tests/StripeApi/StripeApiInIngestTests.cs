using System.Net;
using System.Text;
using System.Text.Json;
using StripeCdc.FakeStripe;
using StripeCdc.Ingest.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Ingest.Tests.StripeApi;

/// <summary>
/// SPEC §4 (has_more lists are completed from the Stripe API) and §1 (<c>ThinEvents=Hydrate</c>) on the
/// webhook path: the real ingest, the fake Stripe API behind the real Stripe.net client, the embedded Kafka.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class StripeApiInIngestTests(KafkaFixture kafka)
{
    [Fact]
    public async Task An_invoice_event_whose_lines_have_more_produces_every_line_without_fanout_truncated()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var invoiceId = "in_" + Guid.NewGuid().ToString("N")[..20];
        FakeStripeSeeder.SeedInvoiceWithLines(stripe.Data, invoiceId, 25);
        var source = WithStripeApi(new TestSource(), stripe);
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var eventId = StripeEvents.NewId();
        var payload = StripeObjects.Event("invoice.paid", StripeObjects.Invoice(invoiceId, lines: 10, linesHaveMore: true), eventId);

        using var response = await server.Client.SendAsync(StripeEvents.Request(source, payload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = kafka.Read(source.Topic("invoice_lines"), 25);
        Assert.Equal(25, lines.Count);
        var keys = lines.Select(l => JsonDocument.Parse(l.Message.Key).RootElement).ToList();
        Assert.All(keys, k => Assert.Equal(invoiceId, k.GetProperty("id").GetString()));
        Assert.Equal(
            Enumerable.Range(0, 25).Select(i => StripeObjects.LineId(invoiceId, i)).Order(StringComparer.Ordinal),
            keys.Select(k => k.GetProperty("item_id").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(lines, l =>
        {
            var value = JsonDocument.Parse(l.Message.Value).RootElement;
            Assert.False(value.TryGetProperty("_fanout_truncated", out _));
            Assert.Equal(eventId, value.GetProperty("_ctx_event_id").GetString());
        });
        // Read whole: the list may have changed since the event.
        Assert.Single(stripe.Log.Requests, r => r.Path == $"/v1/invoices/{invoiceId}/lines" && !r.Query.Contains("starting_after", StringComparison.Ordinal));
        Assert.Equal(1, kafka.Count(source.Topic("invoice")));
    }

    [Fact]
    public async Task A_thin_event_under_Hydrate_is_hydrated_from_the_Stripe_API_and_lands_in_Kafka_as_a_snapshot_read()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        stripe.Data.AddRetrievable(new FakeObject("mtr_test_61R9Ijk8BpJ9", 1_790_000_000, StripeObjects.BillingMeter("mtr_test_61R9Ijk8BpJ9")));
        var source = WithStripeApi(new TestSource(), stripe).Set("ThinEvents", "Hydrate").Set("Resources", "billing");
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var eventId = StripeEvents.NewId();

        using var response = await server.Client.SendAsync(StripeEvents.Request(source, StripeObjects.ThinEvent(id: eventId)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = Assert.Single(kafka.Read(source.Topic("billing"), 1));
        Assert.Equal("mtr_test_61R9Ijk8BpJ9", JsonDocument.Parse(record.Message.Key).RootElement.GetProperty("id").GetString());
        var value = JsonDocument.Parse(record.Message.Value).RootElement;
        Assert.Equal("billing.meter", value.GetProperty("object").GetString());
        Assert.Equal("Search API requests", value.GetProperty("display_name").GetString());
        Assert.Equal(eventId, value.GetProperty("_event_id").GetString());
        Assert.Equal("billing.meter.error_report_triggered", value.GetProperty("_event_type").GetString());
        Assert.Equal("SNAPSHOT", value.GetProperty("__changeType").GetString());
        Assert.Equal("r", Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes("__op")));
        Assert.Contains(stripe.Log.Requests, r => r.Path == "/v1/billing/meters/mtr_test_61R9Ijk8BpJ9");
        Assert.Equal(0, kafka.Count(source.DeadLetterTopic));
    }

    private static TestSource WithStripeApi(TestSource source, FakeStripeServer stripe) => source
        .Set("StripeApiKey", "sk_test_ingest51Hn2kLwYp")
        .Set("StripeApiBase", stripe.ApiBase);
}
