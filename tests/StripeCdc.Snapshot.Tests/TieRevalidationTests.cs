using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeCdc.FakeStripe;
using StripeCdc.Pipeline;
using StripeCdc.Sinks.Postgres;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Telemetry;
using StripeCdc.Testing;
using static StripeCdc.Snapshot.Tests.Support.PostgresRows;

namespace StripeCdc.Snapshot.Tests;

/// <summary>SPEC §10: with a <c>StripeApiKey</c>, a same-second tie is settled by re-reading the object from Stripe.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TieRevalidationTests(PostgresFixture postgres)
{
    private const long Created = 1_790_004_000;

    [Fact]
    public async Task A_tie_is_resolved_by_the_object_as_Stripe_has_it_and_counted_revalidated()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        stripe.Data.AddRetrievable(new FakeObject("cus_rv", Created - 100, StripeObjects.Customer("cus_rv", "truth@example.com")));
        var database = await postgres.Server.CreateDatabaseAsync();
        using var harness = new SnapshotHarness(stripe, kafka: null, settings: [("StripeCdc:Sink", "Postgres"), ("ConnectionStrings:postgres", database), ("TopicPrefix", "")]);
        await harness.StartHostedServiceAsync<TieRevalidationService>();

        await ProcessAsync(harness, StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_rv", "first@example.com"), "evt_rv1", Created));
        await ProcessAsync(harness, StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_rv", "second@example.com"), "evt_rv2", Created));

        var metrics = harness.Services.GetRequiredService<PostgresSinkMetrics>();
        Assert.True(await Eventually(() => metrics.Total(OutcomeNames.Revalidated) == 1), "the tie was not revalidated");
        Assert.Equal("truth@example.com", await EmailAsync(database, "cus_rv"));
        Assert.Equal(0, metrics.Total(OutcomeNames.Tie));
        Assert.Contains(stripe.Log.Requests, r => r.Path == "/v1/customers/cus_rv");
    }

    [Fact]
    public async Task A_re_read_replaces_the_child_list_too()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        stripe.Data.AddRetrievable(new FakeObject("in_rvlines", Created - 100, StripeObjects.Invoice("in_rvlines", lines: 3, lineOffset: 5)));
        var database = await postgres.Server.CreateDatabaseAsync();
        using var harness = new SnapshotHarness(stripe, kafka: null, settings: [("StripeCdc:Sink", "Postgres"), ("ConnectionStrings:postgres", database), ("TopicPrefix", ""), ("FanOutFields", "invoice.lines")]);
        await harness.StartHostedServiceAsync<TieRevalidationService>();

        await ProcessAsync(harness, StripeObjects.Event("invoice.updated", StripeObjects.Invoice("in_rvlines", lines: 3), "evt_rvl1", Created));
        await ProcessAsync(harness, StripeObjects.Event("invoice.updated", StripeObjects.Invoice("in_rvlines", lines: 2), "evt_rvl2", Created));

        var metrics = harness.Services.GetRequiredService<PostgresSinkMetrics>();
        Assert.True(await Eventually(() => metrics.Total(OutcomeNames.Revalidated) == 1), "the tie was not revalidated");
        Assert.Equal(
            [StripeObjects.LineId("in_rvlines", 5), StripeObjects.LineId("in_rvlines", 6), StripeObjects.LineId("in_rvlines", 7)],
            await ListAsync(database, "select id from stripe.invoice_lines where parent_id = 'in_rvlines' order by id"));
    }

    [Fact]
    public async Task A_snapshot_read_that_ties_with_an_event_is_revalidated_too()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        stripe.Data.AddRetrievable(new FakeObject("cus_rvsnap", Created - 100, StripeObjects.Customer("cus_rvsnap", "truth@example.com")));
        var database = await postgres.Server.CreateDatabaseAsync();
        using var harness = new SnapshotHarness(stripe, kafka: null, settings: [("StripeCdc:Sink", "Postgres"), ("ConnectionStrings:postgres", database), ("TopicPrefix", "")]);
        await harness.StartHostedServiceAsync<TieRevalidationService>();

        await ProcessAsync(harness, StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_rvsnap", "event@example.com"), "evt_rvs1", Created));

        // A snapshot page read in the same second, before that change: without a re-read its older data would win the tie.
        var read = Events.SnapshotEnvelope.Build("snapshot:run1:customer:cus_rvsnap", "customer.snapshot", Encoding.UTF8.GetBytes(StripeObjects.Customer("cus_rvsnap", "read-before@example.com")), Created, apiVersion: null, livemode: false);
        await ProcessAsync(harness, read, RecordKind.Snapshot);

        var metrics = harness.Services.GetRequiredService<PostgresSinkMetrics>();
        Assert.True(await Eventually(() => metrics.Total(OutcomeNames.Revalidated) == 1), "the snapshot's tie was not revalidated");
        Assert.Equal("truth@example.com", await EmailAsync(database, "cus_rvsnap"));
    }

    [Fact]
    public async Task A_tie_of_the_balance_an_object_without_an_id_is_resolved_by_reading_the_account_s_balance()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        stripe.Data.SetSingleton("/v1/balance", Balance(3000));
        var database = await postgres.Server.CreateDatabaseAsync();
        using var harness = new SnapshotHarness(stripe, kafka: null, settings: [("StripeCdc:Sink", "Postgres"), ("ConnectionStrings:postgres", database), ("TopicPrefix", ""), ("Resources", "balance")]);
        await harness.StartHostedServiceAsync<TieRevalidationService>();

        await ProcessAsync(harness, StripeObjects.Event("balance.available", Balance(2000), "evt_rvb2", Created));
        await ProcessAsync(harness, StripeObjects.Event("balance.available", Balance(1000), "evt_rvb1", Created));

        var metrics = harness.Services.GetRequiredService<PostgresSinkMetrics>();
        Assert.True(await Eventually(() => metrics.Total(OutcomeNames.Revalidated) == 1), "the balance's tie was not revalidated");
        Assert.Equal(["3000"], await ListAsync(database, "select data->'available'->0->>'amount' from stripe.balance where id = 'balance'"));
        Assert.Contains(stripe.Log.Requests, r => r.Path == "/v1/balance");
    }

    [Theory]
    [InlineData("checkout.session.completed", "checkout.session", "cs_rv", "checkout", "/v1/checkout/sessions/cs_rv")]
    [InlineData("credit_note.updated", "credit_note", "cn_rv", "credit_note", "/v1/credit_notes/cn_rv")]
    [InlineData("charge.dispute.updated", "dispute", "dp_rv", "charge", "/v1/disputes/dp_rv")]
    public async Task A_tie_of_a_checkout_session_credit_note_or_dispute_is_resolved_by_re_reading_it(string eventType, string objectType, string id, string table, string path)
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        stripe.Data.AddRetrievable(new FakeObject(id, Created - 100, Payment(objectType, id, "truth")));
        var database = await postgres.Server.CreateDatabaseAsync();
        using var harness = new SnapshotHarness(stripe, kafka: null, settings: [("StripeCdc:Sink", "Postgres"), ("ConnectionStrings:postgres", database), ("TopicPrefix", ""), ("Resources", table)]);
        await harness.StartHostedServiceAsync<TieRevalidationService>();

        await ProcessAsync(harness, StripeObjects.Event(eventType, Payment(objectType, id, "first"), "evt_rvp1", Created));
        await ProcessAsync(harness, StripeObjects.Event(eventType, Payment(objectType, id, "second"), "evt_rvp2", Created));

        var metrics = harness.Services.GetRequiredService<PostgresSinkMetrics>();
        Assert.True(await Eventually(() => metrics.Total(OutcomeNames.Revalidated) == 1), $"the {objectType}'s tie was not revalidated");
        Assert.Equal(["truth"], await ListAsync(database, $"select data->'metadata'->>'note' from stripe.{table} where id = '{id}'"));
        Assert.Contains(stripe.Log.Requests, r => r.Path == path);
    }

    private static string Balance(long available) =>
        "{\"object\":\"balance\",\"available\":[{\"amount\":" + available + ",\"currency\":\"usd\"}],\"livemode\":false,\"pending\":[{\"amount\":0,\"currency\":\"usd\"}]}";

    private static string Payment(string objectType, string id, string note) =>
        "{\"id\":\"" + id + "\",\"object\":\"" + objectType + "\",\"created\":" + (Created - 100) + ",\"livemode\":false,\"metadata\":{\"note\":\"" + note + "\"}}";

    private static Task ProcessAsync(SnapshotHarness harness, string body) => ProcessAsync(harness, Encoding.UTF8.GetBytes(body), RecordKind.Change);

    private static async Task ProcessAsync(SnapshotHarness harness, byte[] body, RecordKind kind)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var context = new RecordContext(harness.Source, body, null, DateTimeOffset.UtcNow, kind) { CancellationToken = timeout.Token, SkipSignatureCheck = kind == RecordKind.Snapshot };
        await harness.Pipeline.ProcessAsync(context);
        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
    }

    private static async Task<string?> EmailAsync(string database, string id)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select data->>'email' from stripe.customer where id = '{id}'", connection);
        return (string?)await command.ExecuteScalarAsync();
    }
}
