using StripeCdc.Pipeline;
using StripeCdc.Sinks.Postgres.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Sinks.Postgres.Tests;

/// <summary>SPEC §10, every object has a row: objects without an id are their account's or customer's singleton.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSingletonTests(PostgresFixture postgres)
{
    private const long T = 1_790_002_000;

    [Fact]
    public async Task The_account_balance_is_one_row_that_its_next_event_replaces()
    {
        await using var host = await StartAsync();

        var first = await host.ProcessAsync(StripeObjects.Event("balance.available", Balance(1000), id: "evt_b1", created: T));
        var second = await host.ProcessAsync(StripeObjects.Event("balance.available", Balance(2500), id: "evt_b2", created: T + 5));

        Assert.Equal(PipelineOutcome.Produced, first.Outcome);
        Assert.Equal(PipelineOutcome.Produced, second.Outcome);
        var row = Assert.Single(await host.QueryAsync("select id, (data->'available'->0->>'amount')::int, event_id from stripe.balance"));
        Assert.Equal("balance", row[0]);
        Assert.Equal(2500, row[1]);
        Assert.Equal("evt_b2", row[2]);
        Assert.Equal(0L, await host.ScalarAsync<long>("select count(*) from stripe.stripe_dlq"));
    }

    [Fact]
    public async Task Two_customers_cash_balances_are_two_rows()
    {
        await using var host = await StartAsync();

        await host.ProcessAsync(StripeObjects.Event("cash_balance.funds_available", CashBalance("cus_a", 100), id: "evt_c1", created: T));
        await host.ProcessAsync(StripeObjects.Event("cash_balance.funds_available", CashBalance("cus_b", 200), id: "evt_c2", created: T));

        var rows = await host.QueryAsync("select id, (data->'available'->>'usd')::int from stripe.cash_balance order by id");
        Assert.Equal(["cash_balance:cus_a", "cash_balance:cus_b"], rows.Select(r => (string)r[0]!));
        Assert.Equal([100, 200], rows.Select(r => (int)r[1]!));
        Assert.Equal(0L, await host.ScalarAsync<long>("select count(*) from stripe.stripe_dlq"));
    }

    private static string Balance(long amount) =>
        "{\"object\":\"balance\",\"available\":[{\"amount\":" + amount + ",\"currency\":\"usd\",\"source_types\":{\"card\":" + amount + "}}],\"livemode\":false,\"pending\":[{\"amount\":0,\"currency\":\"usd\"}]}";

    private static string CashBalance(string customer, long usd) =>
        "{\"object\":\"cash_balance\",\"available\":{\"usd\":" + usd + "},\"customer\":\"" + customer + "\",\"livemode\":false,\"settings\":{\"reconciliation_mode\":\"automatic\",\"using_merchant_default\":true}}";

    private async Task<PostgresHost> StartAsync() =>
        await PostgresHost.StartAsync(await postgres.Server.CreateDatabaseAsync(), [("Resources", "balance,cash_balance")]);
}
