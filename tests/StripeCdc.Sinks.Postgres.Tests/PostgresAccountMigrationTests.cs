using Npgsql;
using StripeCdc.Sinks.Postgres.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Sinks.Postgres.Tests;

/// <summary>
/// Tables made before the account column (SPEC §12) migrate at start-up without losing a row: the column is
/// added with <c>''</c> (the platform's) and leads the primary key; starting again changes nothing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAccountMigrationTests(PostgresFixture postgres)
{
    private const long T = 1_790_005_000;

    [Fact]
    public async Task Existing_state_child_and_dead_letter_tables_gain_the_account_key_and_keep_every_row()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await ExecuteAsync(database, OldSchema);
        await ExecuteAsync(database, """
            INSERT INTO stripe.customer (id, data, event_id, event_type, event_created)
              SELECT 'cus_old' || i, jsonb_build_object('id', 'cus_old' || i), 'evt_old' || i, 'customer.updated', to_timestamp(1790000000 + i) FROM generate_series(1, 50) AS i;
            INSERT INTO stripe.invoice (id, data, event_id, event_type, event_created) VALUES ('in_old', '{"id":"in_old"}', 'evt_in', 'invoice.updated', to_timestamp(1790000000));
            INSERT INTO stripe.invoice_lines (parent_id, id, data, event_id, event_created)
              SELECT 'in_old', 'il_old' || i, jsonb_build_object('id', 'il_old' || i), 'evt_in', to_timestamp(1790000000) FROM generate_series(1, 7) AS i;
            INSERT INTO stripe.stripe_dlq (body, reason, source) VALUES ('\x7b7d', 'malformed', 'default');
            """);
        (string, string?)[] settings = [("Resources", "customer,invoice"), ("FanOutFields", "invoice.lines")];

        await using (var first = await PostgresHost.StartAsync(database, settings))
        {
            await AssertMigratedAsync(first);
        }

        // Idempotent: a second start (another replica, a restart) finds nothing to do and keeps the rows.
        await using (var again = await PostgresHost.StartAsync(database, settings))
        {
            await AssertMigratedAsync(again);
        }

        // A Connect source now stores a connected account's object of the same id beside the platform's.
        await using var connect = await PostgresHost.StartAsync(database, [.. settings, ("Connect", "true")]);
        await connect.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_old1"), id: "evt_acct", created: T, account: "acct_1Migrated"));
        await connect.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_old2", "platform@example.com"), id: "evt_plat", created: T));
        var rows = await connect.QueryAsync("select account, id, event_id from stripe.customer where id in ('cus_old1', 'cus_old2') order by id, account");
        Assert.Equal(["|cus_old1|evt_old1", "acct_1Migrated|cus_old1|evt_acct", "|cus_old2|evt_plat"], rows.Select(r => string.Join('|', r)));
    }

    private static async Task AssertMigratedAsync(PostgresHost host)
    {
        Assert.Equal(50L, await host.ScalarAsync<long>("select count(*) from stripe.customer where account = ''"));
        Assert.Equal(50L, await host.ScalarAsync<long>("select count(distinct event_id) from stripe.customer"));
        Assert.Equal(1L, await host.ScalarAsync<long>("select count(*) from stripe.invoice where account = '' and id = 'in_old'"));
        Assert.Equal(7L, await host.ScalarAsync<long>("select count(*) from stripe.invoice_lines where account = '' and parent_id = 'in_old'"));
        Assert.Equal(1L, await host.ScalarAsync<long>("select count(*) from stripe.stripe_dlq where account = ''"));
        Assert.Equal("account,id", await PrimaryKeyAsync(host, "stripe_raw.customer"));
        Assert.Equal("account,id", await PrimaryKeyAsync(host, "stripe_raw.invoice"));
        Assert.Equal("account,parent_id,id", await PrimaryKeyAsync(host, "stripe_raw.invoice_lines"));
        Assert.Equal("id", await PrimaryKeyAsync(host, "stripe.stripe_dlq"));
    }

    private static Task<string?> PrimaryKeyAsync(PostgresHost host, string table) => host.ScalarAsync<string>($"""
        select string_agg(a.attname, ',' order by array_position(c.conkey, a.attnum))
        from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
        where c.conrelid = '{table}'::regclass and c.contype = 'p'
        """);

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The tables as the sink made them before the account column.</summary>
    private const string OldSchema = """
        CREATE SCHEMA stripe;
        CREATE TABLE stripe.customer (id text PRIMARY KEY, data jsonb NOT NULL DEFAULT '{}', event_id text NOT NULL DEFAULT '', event_type text NOT NULL DEFAULT '',
          event_created timestamptz NOT NULL DEFAULT '-infinity', deleted boolean NOT NULL DEFAULT false, synced_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE stripe.invoice (id text PRIMARY KEY, data jsonb NOT NULL DEFAULT '{}', event_id text NOT NULL DEFAULT '', event_type text NOT NULL DEFAULT '',
          event_created timestamptz NOT NULL DEFAULT '-infinity', deleted boolean NOT NULL DEFAULT false, synced_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE stripe.invoice_lines (parent_id text NOT NULL, id text NOT NULL, data jsonb NOT NULL DEFAULT '{}', event_id text NOT NULL DEFAULT '',
          event_created timestamptz NOT NULL DEFAULT '-infinity', synced_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (parent_id, id));
        CREATE TABLE stripe.stripe_dlq (id bigserial PRIMARY KEY, body bytea NOT NULL DEFAULT '', reason text NOT NULL DEFAULT '', error text,
          source text NOT NULL DEFAULT '', received_at timestamptz NOT NULL DEFAULT now(), stripe_signature text, replayed_at timestamptz);
        """;
}
