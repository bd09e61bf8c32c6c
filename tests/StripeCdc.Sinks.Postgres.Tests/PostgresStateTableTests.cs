using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Sinks.Postgres.Tests.Support;
using StripeCdc.Pipeline;
using StripeCdc.Sinks.Postgres;
using StripeCdc.Telemetry;
using StripeCdc.Testing;

namespace StripeCdc.Sinks.Postgres.Tests;

/// <summary>SPEC §10: state tables, the ordering guard and child sets, against a real PostgreSQL server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStateTableTests(PostgresFixture postgres)
{
    private const long T = 1_790_001_000;

    [Fact]
    public async Task A_change_becomes_a_state_row_a_SQL_user_can_query()
    {
        await using var host = await StartAsync();

        var context = await host.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_a", "a@example.com"), id: "evt_a", created: T));

        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
        var row = Assert.Single(await host.QueryAsync(
            "select data->>'email', event_id, event_type, event_created, deleted from stripe.customer where not deleted"));
        Assert.Equal("a@example.com", row[0]);
        Assert.Equal("evt_a", row[1]);
        Assert.Equal("customer.created", row[2]);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(T).UtcDateTime, row[3]);
        Assert.Equal(false, row[4]);
        Assert.Equal(1L, await host.ScalarAsync<long>("select count(*) from stripe.event_ledger where source = 'default' and event_id = 'evt_a'"));
    }

    [Fact]
    public async Task An_older_event_that_arrives_late_is_ignored_and_counted_stale()
    {
        await using var host = await StartAsync();

        await host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_s", "new@example.com"), id: "evt_new", created: T + 10));
        var late = await host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_s", "old@example.com"), id: "evt_old", created: T));

        Assert.Equal(PipelineOutcome.Produced, late.Outcome);
        Assert.Equal("new@example.com", await host.ScalarAsync<string>("select data->>'email' from stripe.customer where id = 'cus_s'"));
        Assert.Equal(1, Metrics(host).Total(OutcomeNames.Stale));
    }

    [Fact]
    public async Task On_a_same_second_tie_without_a_Stripe_key_the_later_arrival_wins_and_is_counted_tie()
    {
        await using var host = await StartAsync();

        await host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_t", "first@example.com"), id: "evt_t1", created: T));
        await host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_t", "second@example.com"), id: "evt_t2", created: T));

        var row = Assert.Single(await host.QueryAsync("select data->>'email', event_id from stripe.customer where id = 'cus_t'"));
        Assert.Equal("second@example.com", row[0]);
        Assert.Equal("evt_t2", row[1]);
        Assert.Equal(1, Metrics(host).Total(OutcomeNames.Tie));
        Assert.Equal(0, Metrics(host).Total(OutcomeNames.Stale));
    }

    [Fact]
    public async Task A_delete_keeps_the_row_marked_deleted_and_no_late_update_resurrects_it()
    {
        await using var host = await StartAsync();

        await host.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_d"), id: "evt_d1", created: T));
        await host.ProcessAsync(StripeObjects.Event("customer.deleted", StripeObjects.Customer("cus_d"), id: "evt_d3", created: T + 5));
        await host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_d", "older@example.com"), id: "evt_d2", created: T + 2));
        await host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_d", "same-second@example.com"), id: "evt_d4", created: T + 5));

        var row = Assert.Single(await host.QueryAsync("select deleted, event_id, data->>'email' from stripe.customer where id = 'cus_d'"));
        Assert.Equal(true, row[0]);
        Assert.Equal("evt_d3", row[1]);
        Assert.Empty(await host.QueryAsync("select 1 from stripe.customer where not deleted"));
        Assert.Equal(2, Metrics(host).Total(OutcomeNames.Stale));
    }

    [Fact]
    public async Task A_cancelled_subscription_keeps_its_object_with_status_canceled()
    {
        await using var host = await StartAsync(("Routing", "ObjectType"), ("Resources", "subscription"));

        await host.ProcessAsync(StripeObjects.Event("customer.subscription.created", StripeObjects.Subscription("sub_c"), id: "evt_c1", created: T));
        await host.ProcessAsync(StripeObjects.Event("customer.subscription.deleted", StripeObjects.Subscription("sub_c", status: "canceled"), id: "evt_c2", created: T + 60));
        await host.ProcessAsync(StripeObjects.Event("customer.subscription.updated", StripeObjects.Subscription("sub_c", status: "active"), id: "evt_c3", created: T + 60));

        var row = Assert.Single(await host.QueryAsync("select data->>'status', deleted, event_type from stripe.subscription where id = 'sub_c'"));
        Assert.Equal("canceled", row[0]);
        Assert.Equal(false, row[1]);
        Assert.Equal("customer.subscription.deleted", row[2]);
    }

    [Fact]
    public async Task Applying_a_parent_replaces_its_child_set()
    {
        await using var host = await StartAsync(("FanOutFields", "invoice.lines"));
        const string Lines = "select id from stripe.invoice_lines where parent_id = 'in_p' order by id";

        await host.ProcessAsync(StripeObjects.Event("invoice.created", StripeObjects.Invoice("in_p", lines: 3), id: "evt_p1", created: T));
        Assert.Equal(3, (await host.QueryAsync(Lines)).Count);

        await host.ProcessAsync(StripeObjects.Event("invoice.updated", StripeObjects.Invoice("in_p", lines: 2), id: "evt_p2", created: T + 1));
        Assert.Equal(
            [StripeObjects.LineId("in_p", 0), StripeObjects.LineId("in_p", 1)],
            (await host.QueryAsync(Lines)).Select(r => (string)r[0]!).ToArray());

        // A stale parent leaves the children alone; a newer empty list removes them all.
        await host.ProcessAsync(StripeObjects.Event("invoice.updated", StripeObjects.Invoice("in_p", lines: 5), id: "evt_p0", created: T - 1));
        Assert.Equal(2, (await host.QueryAsync(Lines)).Count);
        await host.ProcessAsync(StripeObjects.Event("invoice.updated", StripeObjects.Invoice("in_p", lines: 0), id: "evt_p3", created: T + 2));
        Assert.Empty(await host.QueryAsync(Lines));
    }

    [Fact]
    public async Task A_truncated_child_list_adds_children_but_removes_none()
    {
        await using var host = await StartAsync(("FanOutFields", "invoice.lines"));
        const string Lines = "select count(*) from stripe.invoice_lines where parent_id = 'in_tr'";

        await host.ProcessAsync(StripeObjects.Event("invoice.created", StripeObjects.Invoice("in_tr", lines: 4), id: "evt_tr1", created: T));
        await host.ProcessAsync(StripeObjects.Event("invoice.updated", StripeObjects.Invoice("in_tr", lines: 2, linesHaveMore: true), id: "evt_tr2", created: T + 1));

        Assert.Equal(4L, await host.ScalarAsync<long>(Lines));
    }

    [Fact]
    public async Task A_snapshot_row_carries_its_read_time_and_never_overwrites_a_newer_event()
    {
        await using var host = await StartAsync();

        await host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_r", "event@example.com"), id: "evt_r", created: T + 30));
        await host.ProcessAsync(StripeObjects.Event("customer.snapshot", StripeObjects.Customer("cus_r", "read@example.com"), id: "snapshot:1:customer:cus_r", created: T), RecordKind.Snapshot);
        await host.ProcessAsync(StripeObjects.Event("customer.snapshot", StripeObjects.Customer("cus_n", "read@example.com"), id: "snapshot:1:customer:cus_n", created: T), RecordKind.Snapshot);

        Assert.Equal("event@example.com", await host.ScalarAsync<string>("select data->>'email' from stripe.customer where id = 'cus_r'"));
        var read = Assert.Single(await host.QueryAsync("select event_created, event_type from stripe.customer where id = 'cus_n'"));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(T).UtcDateTime, read[0]);
        Assert.Equal("customer.snapshot", read[1]);
        Assert.Equal(0L, await host.ScalarAsync<long>("select count(*) from stripe.event_ledger where event_id like 'snapshot:%'"));
    }

    [Fact]
    public async Task TopicPrefix_and_Schema_name_the_tables_with_plain_identifiers()
    {
        await using var host = await StartAsync(("TopicPrefix", "Acme."), ("StripeCdc:Sinks:Postgres:Schema", "billing"));

        await host.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_x", "x@example.com"), id: "evt_x", created: T));

        Assert.Equal("x@example.com", await host.ScalarAsync<string>("select data->>'email' from billing.acme_customer"));
    }

    [Fact]
    public async Task A_table_an_older_version_named_after_its_topic_is_renamed_with_its_rows()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await using (var connection = new Npgsql.NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand(
                "create schema stripe; create table stripe.\"acme.customer\" (id text primary key, data jsonb not null default '{}'); insert into stripe.\"acme.customer\" (id, data) values ('cus_old', '{\"email\":\"old@example.com\"}')",
                connection);
            await create.ExecuteNonQueryAsync();
        }

        await using var host = await PostgresHost.StartAsync(database, ("TopicPrefix", "acme."));
        await host.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_new", "new@example.com"), id: "evt_new", created: T));

        var rows = await host.QueryAsync("select id, data->>'email' from stripe.acme_customer order by id");
        Assert.Equal(["cus_new", "cus_old"], rows.Select(r => (string)r[0]!));
        Assert.Equal(0L, await host.ScalarAsync<long>("select count(*) from pg_tables where schemaname = 'stripe' and tablename = 'acme.customer'"));
    }

    [Fact]
    public async Task Two_topics_that_map_to_one_table_name_are_a_start_up_error_naming_both()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(("Resources", "checkout.session,checkout_session"), ("Routing", "ObjectType")));

        var message = failure is AggregateException aggregate ? aggregate.Flatten().InnerExceptions[0].Message : failure.Message;
        Assert.Contains("'checkout.session'", message, StringComparison.Ordinal);
        Assert.Contains("'checkout_session'", message, StringComparison.Ordinal);
    }

    private static PostgresSinkMetrics Metrics(PostgresHost host) => host.Services.GetRequiredService<PostgresSinkMetrics>();

    private async Task<PostgresHost> StartAsync(params (string Key, string? Value)[] settings) =>
        await PostgresHost.StartAsync(await postgres.Server.CreateDatabaseAsync(), settings);
}
