using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeCdc.Configuration;
using StripeCdc.Pipeline;
using StripeCdc.Sinks.Postgres.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Sinks.Postgres.Tests;

/// <summary>
/// SPEC §10, typed columns: a table of one object type has a column of its SQL type per field of the
/// Stripe.net model (the view <c>stripe.&lt;table&gt;</c> over <c>stripe_raw.&lt;table&gt;</c>), a table of
/// several types only the row columns, and a database laid out by an older version keeps every row.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresTypedColumnTests(PostgresFixture postgres)
{
    private const long T = 1_790_003_000;

    /// <summary>The <c>created</c> of <see cref="StripeObjects"/>' customers, subscription items and invoices.</summary>
    private static readonly DateTime Created = DateTimeOffset.FromUnixTimeSeconds(1_790_000_000).UtcDateTime;

    [Fact]
    public async Task The_query_a_user_writes_returns_the_email_and_created_as_timestamptz()
    {
        await using var host = await StartAsync(("Routing", "ObjectType"));

        await host.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_q1", "q1@example.com"), id: "evt_q1", created: T));
        await host.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_q2", "q2@example.com"), id: "evt_q2", created: T));
        await host.ProcessAsync(StripeObjects.Event("customer.deleted", StripeObjects.Customer("cus_q2", "q2@example.com"), id: "evt_q3", created: T + 1));

        var row = Assert.Single(await host.QueryAsync("select email, created from stripe.customer where not deleted"));
        Assert.Equal("q1@example.com", row[0]);
        Assert.Equal(Created, Assert.IsType<DateTime>(row[1]));
        Assert.Equal("timestamp with time zone", await TypeOfAsync(host, "customer", "created"));
    }

    [Fact]
    public async Task Integers_booleans_objects_references_and_decimals_each_have_their_SQL_type()
    {
        await using var host = await StartAsync(("Routing", "ObjectType"), ("Resources", "customer,invoice,payment_intent,price"));
        const string Price = """{"id":"price_t1","object":"price","active":true,"currency":"usd","created":1790000000,"product":"prod_t1","type":"one_time","unit_amount":1250,"unit_amount_decimal":"1250.5"}""";
        var expandedCustomer = StripeObjects.PaymentIntent("pi_t1").Replace("\"customer\":\"cus_NffrFeUfNV2Hib\"", "\"customer\":" + StripeObjects.Customer("cus_expanded"), StringComparison.Ordinal);

        await host.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_t1"), id: "evt_t1", created: T));
        await host.ProcessAsync(StripeObjects.Event("invoice.created", StripeObjects.Invoice("in_t1"), id: "evt_t2", created: T));
        await host.ProcessAsync(StripeObjects.Event("payment_intent.created", expandedCustomer, id: "evt_t3", created: T));
        await host.ProcessAsync(StripeObjects.Event("price.created", Price, id: "evt_t4", created: T));

        Assert.Equal("bigint", await TypeOfAsync(host, "customer", "balance"));
        Assert.Equal("boolean", await TypeOfAsync(host, "customer", "delinquent"));
        Assert.Equal("jsonb", await TypeOfAsync(host, "customer", "address"));
        Assert.Equal("jsonb", await TypeOfAsync(host, "customer", "metadata"));
        Assert.Equal("text", await TypeOfAsync(host, "invoice", "customer"));
        Assert.Equal("text", await TypeOfAsync(host, "payment_intent", "customer"));
        Assert.Equal("numeric", await TypeOfAsync(host, "price", "unit_amount_decimal"));
        var customer = Assert.Single(await host.QueryAsync("select balance, delinquent, address->>'city', next_invoice_sequence, metadata->>'segment' from stripe.customer"));
        Assert.Equal(new object?[] { 0L, false, "South San Francisco", 4L, "enterprise" }, customer);

        // A reference reads the id whether Stripe sent the id or the expanded object.
        Assert.Equal("cus_NeZwdNtLEOXuvB", await host.ScalarAsync<string>("select customer from stripe.invoice"));
        Assert.Equal("cus_expanded", await host.ScalarAsync<string>("select customer from stripe.payment_intent"));
        Assert.Equal(1250.5m, await host.ScalarAsync<decimal>("select unit_amount_decimal from stripe.price"));
        Assert.Equal(2000L, await host.ScalarAsync<long>("select amount from stripe.payment_intent"));
    }

    [Fact]
    public async Task A_table_of_several_object_types_has_only_the_row_columns_and_one_of_a_single_type_has_its_fields()
    {
        // Routed by event type, customer also gets subscriptions, tax ids, discounts and sources; invoice only invoices.
        await using var host = await StartAsync();

        await host.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_m1"), id: "evt_m1", created: T));
        await host.ProcessAsync(StripeObjects.Event("customer.subscription.created", StripeObjects.Subscription("sub_m1"), id: "evt_m2", created: T));

        Assert.Equal(PostgresRowColumns.State.Select(c => c.Name), await ColumnsAsync(host, "customer"));
        Assert.Equal(2L, await host.ScalarAsync<long>("select count(*) from stripe.customer"));
        Assert.Equal(PostgresRowColumns.State.Select(c => c.Name), await ColumnsAsync(host, "unknown"));
        var invoice = await ColumnsAsync(host, "invoice");
        Assert.Equal(PostgresRowColumns.State.Select(c => c.Name), invoice.Take(PostgresRowColumns.State.Length));
        Assert.Contains("amount_due", invoice);
        Assert.Equal("bigint", await TypeOfAsync(host, "invoice", "amount_due"));
    }

    [Fact]
    public async Task Fan_out_child_tables_have_the_columns_of_their_element_type()
    {
        await using var host = await StartAsync(("FanOutFields", "invoice.lines,charge.refunds,subscription.items"), ("Resources", "customer,invoice,charge"));

        await host.ProcessAsync(StripeObjects.Event("invoice.created", StripeObjects.Invoice("in_c1", lines: 2), id: "evt_c1", created: T));
        await host.ProcessAsync(StripeObjects.Event("charge.refunded", StripeObjects.Charge("ch_c1", refunds: 2), id: "evt_c2", created: T));

        var lines = await host.QueryAsync("select parent_id, id, amount, invoice, period->>'start' from stripe.invoice_lines order by id");
        Assert.Equal(Rows(["in_c1", StripeObjects.LineId("in_c1", 0), 1000L, "in_c1", "1790000000"], ["in_c1", StripeObjects.LineId("in_c1", 1), 1001L, "in_c1", "1790000000"]), lines);
        Assert.Equal("bigint", await TypeOfAsync(host, "invoice_lines", "amount"));
        Assert.Equal("jsonb", await TypeOfAsync(host, "invoice_lines", "period"));
        Assert.Equal("text", await TypeOfAsync(host, "charge_refunds", "charge"));
        Assert.Equal("timestamp with time zone", await TypeOfAsync(host, "charge_refunds", "created"));
        Assert.Equal(new object?[] { "ch_c1", "ch_c1" }, (await host.QueryAsync("select charge from stripe.charge_refunds")).Select(r => r[0]));
        Assert.Equal("timestamp with time zone", await TypeOfAsync(host, "subscription_items", "created"));
        Assert.Equal("bigint", await TypeOfAsync(host, "subscription_items", "quantity"));
        var childColumns = await ColumnsAsync(host, "invoice_lines");
        Assert.Equal(PostgresRowColumns.Child.Select(c => c.Name), childColumns.Take(PostgresRowColumns.Child.Length));
        Assert.Single(childColumns, "id");
    }

    [Fact]
    public async Task A_database_laid_out_by_the_previous_version_keeps_every_row_and_gets_its_views()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await ExecuteAsync(database, PreviousLayout);

        await using var host = await PostgresHost.StartAsync(database, ("Routing", "ObjectType"), ("FanOutFields", "invoice.lines"), ("Resources", "customer,invoice"), ("TopicPrefix", "acme."));

        Assert.Equal("v", await host.ScalarAsync<string>("select relkind::text from pg_class where oid = 'stripe.acme_customer'::regclass"));
        Assert.Equal("r", await host.ScalarAsync<string>("select relkind::text from pg_class where oid = 'stripe_raw.acme_customer'::regclass"));
        Assert.Equal(
            Rows(["cus_old1", "old1@example.com", Created], ["cus_old2", "old2@example.com", Created]),
            await host.QueryAsync("select id, email, created from stripe.acme_customer order by id"));
        Assert.Equal(3L, await host.ScalarAsync<long>("select count(*) from stripe.acme_invoice_lines"));
        Assert.Equal(1001L, await host.ScalarAsync<long>("select amount from stripe.acme_invoice_lines where id = 'il_old1'"));
        Assert.Equal("evt_old3", await host.ScalarAsync<string>("select event_id from stripe.acme_invoice where id = 'in_old'"));
        Assert.Equal(3L, await host.ScalarAsync<long>("select count(*) from stripe.event_ledger"));
        Assert.Equal(1L, await host.ScalarAsync<long>("select count(*) from stripe.stripe_dlq"));
        Assert.Equal(
            new object?[] { "acme_stripe_dlq", "event_ledger", "stripe_dlq" },
            (await host.QueryAsync("select tablename from pg_tables where schemaname = 'stripe' order by 1")).Select(r => r[0]));

        // The guard still reads the moved rows: an older event is stale, a newer one applies.
        await host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_old1", "older@example.com"), id: "evt_older", created: T - 10));
        await host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_old2", "newer@example.com"), id: "evt_newer", created: T + 10));
        Assert.Equal(new object?[] { "old1@example.com", "newer@example.com" }, (await host.QueryAsync("select email from stripe.acme_customer order by id")).Select(r => r[0]));
    }

    [Fact]
    public async Task A_field_a_newer_Stripe_net_adds_appears_on_the_stored_rows_without_rewriting_the_table()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var settings = new (string, string?)[] { ("Routing", "ObjectType") };
        var withTier = StripeObjects.Customer("cus_n1", "n1@example.com").Replace("\"balance\":0", "\"balance\":0,\"loyalty_tier\":\"gold\",\"default\":\"yes\"", StringComparison.Ordinal);
        List<string> before;
        long file;
        await using (var first = await PostgresHost.StartAsync(database, settings))
        {
            await first.ProcessAsync(StripeObjects.Event("customer.created", withTier, id: "evt_n1", created: T));
            await first.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_n2"), id: "evt_n2", created: T));
            before = await ColumnsAsync(first, "customer");
            file = await first.ScalarAsync<long>("select relfilenode::bigint from pg_class where oid = 'stripe_raw.customer'::regclass");
        }

        Assert.DoesNotContain("loyalty_tier", before);
        await using var second = await PostgresHost.StartAsync(database, s => s.AddSingleton<TypedColumnCatalog>(sp => new NewerCatalog(sp.GetRequiredService<SourceCatalog>())), settings);

        var after = await ColumnsAsync(second, "customer");
        Assert.Equal([.. before, "loyalty_tier", "default"], after);
        Assert.Equal(Rows(["cus_n1", "gold", "yes"], ["cus_n2", null, null]), await second.QueryAsync("select id, loyalty_tier, \"default\" from stripe.customer order by id"));
        Assert.Equal(file, await second.ScalarAsync<long>("select relfilenode::bigint from pg_class where oid = 'stripe_raw.customer'::regclass"));
    }

    [Fact]
    public async Task A_field_whose_type_changes_or_goes_away_remakes_the_view_and_keeps_the_rows()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var settings = new (string, string?)[] { ("Routing", "ObjectType") };
        await using (var first = await PostgresHost.StartAsync(database, settings))
        {
            await first.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_r1"), id: "evt_r1", created: T));
        }

        await using var second = await PostgresHost.StartAsync(database, s => s.AddSingleton<TypedColumnCatalog>(sp => new ChangedCatalog(sp.GetRequiredService<SourceCatalog>())), settings);

        Assert.Equal("text", await TypeOfAsync(second, "customer", "balance"));
        Assert.DoesNotContain("phone", await ColumnsAsync(second, "customer"));
        Assert.Equal("0", await second.ScalarAsync<string>("select balance from stripe.customer where id = 'cus_r1'"));
    }

    [Fact]
    public async Task Migrating_twice_and_two_replicas_starting_together_leave_one_view_per_table_and_every_row()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await ExecuteAsync(database, PreviousLayout);
        var settings = new (string, string?)[] { ("Routing", "ObjectType"), ("FanOutFields", "invoice.lines"), ("Resources", "customer,invoice"), ("TopicPrefix", "acme.") };

        var replicas = await Task.WhenAll(PostgresHost.StartAsync(database, settings), PostgresHost.StartAsync(database, settings));
        try
        {
            var columns = await ColumnsAsync(replicas[0], "acme_customer");
            await replicas[0].Services.GetRequiredService<PostgresSchema>().MigrateAsync(CancellationToken.None);
            await replicas[1].Services.GetRequiredService<PostgresSchema>().MigrateAsync(CancellationToken.None);

            Assert.Equal(columns, await ColumnsAsync(replicas[1], "acme_customer"));
            Assert.Equal(2L, await replicas[0].ScalarAsync<long>("select count(*) from stripe.acme_customer"));
            Assert.Equal(3L, await replicas[0].ScalarAsync<long>("select count(*) from stripe.acme_invoice_lines"));
            Assert.Equal(
                new object?[] { "acme_customer", "acme_invoice", "acme_invoice_lines", "acme_unknown" },
                (await replicas[0].QueryAsync("select tablename from pg_tables where schemaname = 'stripe_raw' order by 1")).Select(r => r[0]));
            Assert.Equal(
                new object?[] { "acme_customer", "acme_invoice", "acme_invoice_lines", "acme_unknown" },
                (await replicas[0].QueryAsync("select viewname from pg_views where schemaname = 'stripe' order by 1")).Select(r => r[0]));
            Assert.Equal(PipelineOutcome.Produced, (await replicas[1].ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_r2"), id: "evt_r2", created: T))).Outcome);
            Assert.Equal(3L, await replicas[0].ScalarAsync<long>("select count(*) from stripe.acme_customer"));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Every_object_type_Stripe_net_models_gets_a_view_Postgres_accepts()
    {
        // Every column of every model type, reserved words (quoted in the view) and casts included.
        var objectTypes = Stripe.StripeTypeRegistry.ObjectsToTypes.Keys.Order(StringComparer.Ordinal).ToList();
        await using var host = await StartAsync(("Routing", "ObjectType"), ("Resources", string.Join(",", objectTypes)));

        var catalog = host.Services.GetRequiredService<TypedColumnCatalog>();
        foreach (var objectType in objectTypes)
        {
            var table = PostgresIdentifiers.TableName(objectType);
            var expected = catalog.ColumnsOf(objectType, PostgresTableKind.State).Where(c => !PostgresRowColumns.State.Any(r => r.Name == c.Name)).ToList();
            Assert.NotEmpty(expected);
            var columns = await host.QueryAsync($"select column_name, data_type from information_schema.columns where table_schema = 'stripe' and table_name = '{table}' order by ordinal_position");
            Assert.Equal(
                [.. PostgresRowColumns.State.Select(c => c.Name), .. expected.Select(c => c.Name)],
                columns.Select(c => (string)c[0]!));
            Assert.Equal(expected.Select(c => c.SqlType), columns.Skip(PostgresRowColumns.State.Length).Select(c => (string)c[1]!));
            Assert.Empty(await host.QueryAsync($"select * from stripe.{table}"));
        }
    }

    /// <summary>How main laid the schema out before typed columns: every table in <c>stripe</c>, one named after its topic.</summary>
    private const string PreviousLayout = """
        create schema stripe;
        create table stripe.event_ledger (source text not null, event_id text not null, committed_at timestamptz not null default now(), primary key (source, event_id));
        insert into stripe.event_ledger (source, event_id) values ('default', 'evt_old1'), ('default', 'evt_old2'), ('default', 'evt_old3');
        create table stripe.stripe_dlq (id bigserial primary key, body bytea not null default '', reason text not null default '', error text, source text not null default '', received_at timestamptz not null default now(), stripe_signature text, replayed_at timestamptz);
        insert into stripe.stripe_dlq (body, reason) values ('x', 'signature');
        create table stripe."acme.customer" (id text primary key, data jsonb not null default '{}', event_id text not null default '', event_type text not null default '', event_created timestamptz not null default '-infinity', deleted boolean not null default false, synced_at timestamptz not null default now());
        insert into stripe."acme.customer" (id, data, event_id, event_type, event_created) values
          ('cus_old1', '{"id":"cus_old1","object":"customer","email":"old1@example.com","created":1790000000}', 'evt_old1', 'customer.created', to_timestamp(1790003000)),
          ('cus_old2', '{"id":"cus_old2","object":"customer","email":"old2@example.com","created":1790000000}', 'evt_old2', 'customer.created', to_timestamp(1790003000));
        create table stripe.acme_invoice (id text primary key, data jsonb not null default '{}', event_id text not null default '', event_type text not null default '', event_created timestamptz not null default '-infinity', deleted boolean not null default false, synced_at timestamptz not null default now());
        insert into stripe.acme_invoice (id, data, event_id, event_type, event_created) values ('in_old', '{"id":"in_old","object":"invoice"}', 'evt_old3', 'invoice.created', to_timestamp(1790003000));
        create table stripe.acme_invoice_lines (parent_id text not null, id text not null, data jsonb not null default '{}', event_id text not null default '', event_created timestamptz not null default '-infinity', synced_at timestamptz not null default now(), primary key (parent_id, id));
        insert into stripe.acme_invoice_lines (parent_id, id, data, event_id) values
          ('in_old', 'il_old1', '{"id":"il_old1","object":"line_item","amount":1001}', 'evt_old3'),
          ('in_old', 'il_old2', '{"id":"il_old2","object":"line_item","amount":1002}', 'evt_old3'),
          ('in_old', 'il_old3', '{"id":"il_old3","object":"line_item","amount":1003}', 'evt_old3');
        """;

    private static List<object?[]> Rows(params object?[][] rows) => [.. rows];

    private static async Task<string?> TypeOfAsync(PostgresHost host, string table, string column) =>
        await host.ScalarAsync<string>($"select data_type from information_schema.columns where table_schema = 'stripe' and table_name = '{table}' and column_name = '{column}'");

    private static async Task<List<string>> ColumnsAsync(PostgresHost host, string table) =>
        [.. (await host.QueryAsync($"select column_name from information_schema.columns where table_schema = 'stripe' and table_name = '{table}' order by ordinal_position")).Select(r => (string)r[0]!)];

    private static async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<PostgresHost> StartAsync(params (string Key, string? Value)[] settings) =>
        await PostgresHost.StartAsync(await postgres.Server.CreateDatabaseAsync(), settings);

    /// <summary>Stands for a newer Stripe.net whose customer has two more fields, one of them an SQL reserved word.</summary>
    private sealed class NewerCatalog(SourceCatalog sources) : TypedColumnCatalog(sources)
    {
        public override IReadOnlyList<TypedColumn> ColumnsOf(string topic, PostgresTableKind kind) =>
            topic == "customer" ? [.. base.ColumnsOf(topic, kind), new("loyalty_tier", TypedColumnKind.Text), new("default", TypedColumnKind.Text)] : base.ColumnsOf(topic, kind);
    }

    /// <summary>Stands for a Stripe.net whose customer's <c>balance</c> became text and whose <c>phone</c> went away.</summary>
    private sealed class ChangedCatalog(SourceCatalog sources) : TypedColumnCatalog(sources)
    {
        public override IReadOnlyList<TypedColumn> ColumnsOf(string topic, PostgresTableKind kind) =>
            topic == "customer"
                ? [.. base.ColumnsOf(topic, kind).Where(c => c.Name != "phone").Select(c => c.Name == "balance" ? c with { Kind = TypedColumnKind.Text } : c)]
                : base.ColumnsOf(topic, kind);
    }
}
