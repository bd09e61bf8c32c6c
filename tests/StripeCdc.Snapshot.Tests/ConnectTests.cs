using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeCdc.FakeStripe;
using StripeCdc.Pipeline;
using StripeCdc.Sinks.Postgres;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Snapshot.Webhooks;
using StripeCdc.Telemetry;
using StripeCdc.Testing;
using static StripeCdc.Snapshot.Tests.Support.PostgresRows;

namespace StripeCdc.Snapshot.Tests;

/// <summary>SPEC §12 in the snapshot worker's services: Connect registration, and a tie re-read as the connected account.</summary>
public sealed class ConnectTests
{
    private const long Created = 1_790_007_000;
    private const string A = "acct_1SnapConnectA";
    private const string B = "acct_1SnapConnectB";

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public async Task Registration_of_a_Connect_source_creates_a_Connect_endpoint(string connect, bool expected)
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var secretsFile = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"), "secrets.json");
        using var harness = new SnapshotHarness(stripe, kafka: null, [("Connect", connect), ("StripeCdc:SecretsFile", secretsFile)], sink: new CapturingSink());
        var registrar = harness.Services.GetRequiredService<WebhookRegistrar>();

        var created = await registrar.CreateAsync(harness.Source, "https://cdc.example.com/webhooks/stripe/default?api_key=k", null, null, CancellationToken.None);

        var endpoint = stripe.WebhookEndpoints.Find(created.Id)!;
        Assert.Equal(expected, endpoint.Connect);
        Assert.Equal(endpoint.Secret, created.Secret);
    }

    [Collection(PostgresCollection.Name)]
    public sealed class TieRevalidation(PostgresFixture postgres)
    {
        [Fact]
        public async Task A_connected_accounts_tie_is_re_read_as_that_account_and_settles_only_its_row()
        {
            await using var stripe = await FakeStripeServer.StartAsync();
            stripe.Data.AddRetrievable(new FakeObject("cus_same", Created - 100, StripeObjects.Customer("cus_same", "platform-truth@example.com")));
            stripe.Accounts.Add(A).AddRetrievable(new FakeObject("cus_same", Created - 100, StripeObjects.Customer("cus_same", "a-truth@example.com")));
            stripe.Accounts.Add(B).AddRetrievable(new FakeObject("cus_same", Created - 100, StripeObjects.Customer("cus_same", "b-truth@example.com")));
            var database = await postgres.Server.CreateDatabaseAsync();
            using var harness = new SnapshotHarness(stripe, kafka: null, settings: [("StripeCdc:Sink", "Postgres"), ("ConnectionStrings:postgres", database), ("TopicPrefix", ""), ("Connect", "true")]);
            await harness.StartHostedServiceAsync<TieRevalidationService>();

            await ProcessAsync(harness, StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same", "b@example.com"), "evt_cb1", Created, account: B));
            await ProcessAsync(harness, StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same", "platform@example.com"), "evt_cp1", Created));
            await ProcessAsync(harness, StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same", "a-first@example.com"), "evt_ca1", Created, account: A));
            await ProcessAsync(harness, StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same", "a-second@example.com"), "evt_ca2", Created, account: A));

            var metrics = harness.Services.GetRequiredService<PostgresSinkMetrics>();
            Assert.True(await Eventually(() => metrics.Total(OutcomeNames.Revalidated) == 1), "the tie was not revalidated");
            Assert.Equal(
                ["|platform@example.com", $"{A}|a-truth@example.com", $"{B}|b@example.com"],
                await ListAsync(database, "select account || '|' || (data->>'email') from stripe.customer where id = 'cus_same' order by account"));
            var reread = Assert.Single(stripe.Log.Requests, r => r.Path == "/v1/customers/cus_same");
            Assert.Equal(A, reread.StripeAccount);
        }

        [Fact]
        public async Task A_connected_accounts_balance_tie_is_re_read_with_its_Stripe_Account_and_lands_in_its_row()
        {
            await using var stripe = await FakeStripeServer.StartAsync();
            stripe.Data.SetSingleton("/v1/balance", Balance(9000));
            stripe.Accounts.Add(A).SetSingleton("/v1/balance", Balance(3000));
            stripe.Accounts.Add(B).SetSingleton("/v1/balance", Balance(7000));
            var database = await postgres.Server.CreateDatabaseAsync();
            using var harness = new SnapshotHarness(
                stripe,
                kafka: null,
                settings: [("StripeCdc:Sink", "Postgres"), ("ConnectionStrings:postgres", database), ("TopicPrefix", ""), ("Connect", "true"), ("Resources", "balance")]);
            await harness.StartHostedServiceAsync<TieRevalidationService>();

            await ProcessAsync(harness, StripeObjects.Event("balance.available", Balance(5000), "evt_cbp1", Created));
            await ProcessAsync(harness, StripeObjects.Event("balance.available", Balance(6000), "evt_cbb1", Created, account: B));
            await ProcessAsync(harness, StripeObjects.Event("balance.available", Balance(2000), "evt_cba2", Created, account: A));
            await ProcessAsync(harness, StripeObjects.Event("balance.available", Balance(1000), "evt_cba1", Created, account: A));

            var metrics = harness.Services.GetRequiredService<PostgresSinkMetrics>();
            Assert.True(await Eventually(() => metrics.Total(OutcomeNames.Revalidated) == 1), "the balance's tie was not revalidated");
            Assert.Equal(
                ["|5000", $"{A}|3000", $"{B}|6000"],
                await ListAsync(database, "select account || '|' || (data->'available'->0->>'amount') from stripe.balance where id = 'balance' order by account"));
            var reread = Assert.Single(stripe.Log.Requests, r => r.Path == "/v1/balance");
            Assert.Equal(A, reread.StripeAccount);
        }

        private static string Balance(long available) =>
            "{\"object\":\"balance\",\"available\":[{\"amount\":" + available + ",\"currency\":\"usd\"}],\"livemode\":false,\"pending\":[{\"amount\":0,\"currency\":\"usd\"}]}";

        private static async Task ProcessAsync(SnapshotHarness harness, string body)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var context = new RecordContext(harness.Source, Encoding.UTF8.GetBytes(body), null, DateTimeOffset.UtcNow) { CancellationToken = timeout.Token };
            await harness.Pipeline.ProcessAsync(context);
            Assert.Equal(PipelineOutcome.Produced, context.Outcome);
        }
    }
}
