using System.Text;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Pipeline;
using StripeCdc.Records;
using StripeCdc.Sinks.Postgres.Tests.Support;
using StripeCdc.Telemetry;
using StripeCdc.Testing;

namespace StripeCdc.Sinks.Postgres.Tests;

/// <summary>
/// SPEC §12 in state tables: <c>account</c> is a column of every table and leads its key (<c>''</c> for the
/// platform's own objects), so two connected accounts' objects of one id, and their singletons, are two rows;
/// the ordering guard, child replacement and deletes work per account.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresConnectTests(PostgresFixture postgres)
{
    private const long T = 1_790_004_000;
    private const string A = "acct_1PgConnectA";
    private const string B = "acct_1PgConnectB";

    [Fact]
    public async Task Two_accounts_objects_of_one_id_and_their_balances_are_separate_rows_and_the_platforms_has_account_empty()
    {
        await using var host = await StartAsync(("Resources", "customer,balance"));

        await host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same", "a@example.com"), id: "evt_ca", created: T, account: A));
        await host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same", "b@example.com"), id: "evt_cb", created: T, account: B));
        await host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same", "platform@example.com"), id: "evt_cp", created: T));
        await host.ProcessAsync(StripeObjects.Event("balance.available", Balance(100), id: "evt_ba", created: T, account: A));
        await host.ProcessAsync(StripeObjects.Event("balance.available", Balance(200), id: "evt_bb", created: T, account: B));

        var customers = await host.QueryAsync("select account, id, data->>'email', data->>'_account' from stripe.customer order by account");
        Assert.Equal(
            ["|cus_same|platform@example.com|", $"{A}|cus_same|a@example.com|{A}", $"{B}|cus_same|b@example.com|{B}"],
            customers.Select(r => string.Join('|', r)));
        var balances = await host.QueryAsync("select account, id, (data->'available'->0->>'amount')::int from stripe.balance order by account");
        Assert.Equal([$"{A}|balance|100", $"{B}|balance|200"], balances.Select(r => string.Join('|', r)));
        Assert.Equal(0L, await host.ScalarAsync<long>("select count(*) from stripe.stripe_dlq"));
    }

    [Fact]
    public async Task The_ordering_guard_and_deletes_apply_per_account()
    {
        await using var host = await StartAsync();

        await host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same", "a-new@example.com"), id: "evt_a2", created: T + 10, account: A));

        // Older than A's row, but B's own first change: applied, not stale.
        await host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same", "b@example.com"), id: "evt_b1", created: T, account: B));

        // Older than A's row: stale for A.
        await host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same", "a-old@example.com"), id: "evt_a1", created: T + 5, account: A));

        // A delete of B's object leaves A's alone.
        await host.ProcessAsync(StripeObjects.Event("customer.deleted", StripeObjects.Customer("cus_same", "b@example.com"), id: "evt_b2", created: T + 20, account: B));

        var rows = await host.QueryAsync("select account, data->>'email', event_id, deleted from stripe.customer where id = 'cus_same' order by account");
        Assert.Equal([$"{A}|a-new@example.com|evt_a2|False", $"{B}|b@example.com|evt_b2|True"], rows.Select(r => string.Join('|', r)));
        Assert.Equal(1, host.Services.GetRequiredService<PostgresSinkMetrics>().Total(OutcomeNames.Stale));
    }

    [Fact]
    public async Task A_parents_complete_child_list_replaces_only_its_own_accounts_children()
    {
        await using var host = await StartAsync(("FanOutFields", "invoice.lines"));

        await host.ProcessAsync(StripeObjects.Event("invoice.updated", StripeObjects.Invoice("in_same", lines: 3), id: "evt_ia1", created: T, account: A));
        await host.ProcessAsync(StripeObjects.Event("invoice.updated", StripeObjects.Invoice("in_same", lines: 3), id: "evt_ib1", created: T, account: B));
        await host.ProcessAsync(StripeObjects.Event("invoice.updated", StripeObjects.Invoice("in_same", lines: 1), id: "evt_ia2", created: T + 1, account: A));

        var lines = await host.QueryAsync("select account, count(*), max(data->>'_account') from stripe.invoice_lines where parent_id = 'in_same' group by account order by account");
        Assert.Equal([$"{A}|1|{A}", $"{B}|3|{B}"], lines.Select(r => string.Join('|', r)));
    }

    [Fact]
    public async Task Events_of_two_accounts_in_one_transaction_fold_per_account()
    {
        await using var host = await StartAsync(("FanOutFields", "invoice.lines"), ("StripeCdc:Sinks:Postgres:Writers", "1"), ("StripeCdc:Sinks:Postgres:GroupCommitDelay", "00:00:00.500"));
        var sink = host.Services.GetRequiredService<PostgresGroupCommit>();
        await sink.WriteAsync(Invoice(A, "evt_g0", T, "il_a0", "il_shared"), CancellationToken.None);

        var writes = new[]
        {
            sink.WriteAsync(Invoice(B, "evt_g1", T, "il_b1", "il_shared"), CancellationToken.None),
            sink.WriteAsync(Invoice(A, "evt_g2", T + 2, "il_a2"), CancellationToken.None),
            sink.WriteAsync(Invoice(B, "evt_g3", T + 1, "il_b3"), CancellationToken.None),
            sink.WriteAsync(Invoice(A, "evt_g4", T + 1, "il_stale"), CancellationToken.None),
        };
        await Task.WhenAll(writes);

        var parents = await host.QueryAsync("select account, event_id from stripe.invoice where id = 'in_f' order by account");
        Assert.Equal([$"{A}|evt_g2", $"{B}|evt_g3"], parents.Select(r => string.Join('|', r)));
        var children = await host.QueryAsync("select account, id from stripe.invoice_lines where parent_id = 'in_f' order by account, id");
        Assert.Equal([$"{A}|il_a2", $"{B}|il_b3"], children.Select(r => string.Join('|', r)));
        Assert.Equal(1, host.Services.GetRequiredService<PostgresSinkMetrics>().Total(OutcomeNames.Stale));
    }

    [Fact]
    public async Task When_a_group_falls_back_to_event_by_event_statements_accounts_stay_apart()
    {
        await using var host = await StartAsync(("FanOutFields", "invoice.lines"), ("StripeCdc:Sinks:Postgres:Writers", "1"), ("StripeCdc:Sinks:Postgres:GroupCommitDelay", "00:00:00.500"));
        var sink = host.Services.GetRequiredService<PostgresGroupCommit>();
        await sink.WriteAsync(Invoice(A, "evt_e0", T, "il_a0", "il_a1"), CancellationToken.None);

        // The NUL that Postgres refuses in jsonb sends the group down the per-event path.
        var bad = Invoice(B, "evt_bad", T, "il_bad");
        bad[1] = new OutgoingRecord("invoice_lines", RecordKeys.ForChild(B, "in_bad", "il_bad"), Encoding.UTF8.GetBytes("""{"id":"il_bad","x":"\u0000"}"""), RecordRole.Child) { Origin = bad[0].Origin };
        bad[0].Key = RecordKeys.ForObject(B, "in_bad");
        var writes = new[]
        {
            sink.WriteAsync(Invoice(B, "evt_e1", T, "il_b1"), CancellationToken.None),
            sink.WriteAsync(bad, CancellationToken.None),
            sink.WriteAsync(Invoice(A, "evt_e2", T + 1, "il_a2"), CancellationToken.None),
            sink.WriteAsync(Invoice(B, "evt_e3", T - 1, "il_b_stale"), CancellationToken.None),
        };
        await Assert.ThrowsAnyAsync<Exception>(() => writes[1]);
        await Task.WhenAll(writes[0], writes[2], writes[3]);

        var parents = await host.QueryAsync("select account, id, event_id from stripe.invoice order by account, id");
        Assert.Equal([$"{A}|in_f|evt_e2", $"{B}|in_f|evt_e1"], parents.Select(r => string.Join('|', r)));
        var children = await host.QueryAsync("select account, id from stripe.invoice_lines order by account, id");
        Assert.Equal([$"{A}|il_a2", $"{B}|il_b1"], children.Select(r => string.Join('|', r)));
    }

    [Fact]
    public async Task A_connected_accounts_dead_letter_row_names_the_account()
    {
        await using var host = await StartAsync(("UnselectedResourceBehavior", "FAIL"));

        var context = await host.ProcessAsync(StripeObjects.Event("payout.paid", """{"id":"po_1","object":"payout"}""", id: "evt_dlq", created: T, account: A));

        Assert.Equal(PipelineOutcome.DeadLettered, context.Outcome);
        var row = Assert.Single(await host.QueryAsync("select account, reason from stripe.stripe_dlq"));
        Assert.Equal(A, row[0]);
        Assert.Equal("unselected_resource", row[1]);
    }

    private static OutgoingRecord[] Invoice(string account, string eventId, long created, params string[] lines)
    {
        var origin = new RecordOrigin("default", eventId, "invoice.updated", DateTimeOffset.FromUnixTimeSeconds(created), IsDelete: false, IsSnapshot: false);
        var parent = new OutgoingRecord("invoice", RecordKeys.ForObject(account, "in_f"), Encoding.UTF8.GetBytes(StripeObjects.Invoice("in_f", lines: 0)))
        {
            Origin = origin,
            CompleteChildTopics = ["invoice_lines"],
        };
        return [parent, .. lines.Select(line => new OutgoingRecord("invoice_lines", RecordKeys.ForChild(account, "in_f", line), Encoding.UTF8.GetBytes($$"""{"id":"{{line}}"}"""), RecordRole.Child) { Origin = origin })];
    }

    private static string Balance(long amount) =>
        "{\"object\":\"balance\",\"available\":[{\"amount\":" + amount + ",\"currency\":\"usd\",\"source_types\":{\"card\":" + amount + "}}],\"livemode\":false,\"pending\":[{\"amount\":0,\"currency\":\"usd\"}]}";

    private async Task<PostgresHost> StartAsync(params (string Key, string? Value)[] settings) =>
        await PostgresHost.StartAsync(await postgres.Server.CreateDatabaseAsync(), [("Connect", "true"), .. settings]);
}
