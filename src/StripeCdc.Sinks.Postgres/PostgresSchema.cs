using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeCdc.Configuration;
using static StripeCdc.Sinks.Postgres.PostgresIdentifiers;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// Creates and migrates the sink's tables (SPEC §10), idempotently: <c>CREATE … IF NOT EXISTS</c> and
/// <c>ADD COLUMN IF NOT EXISTS</c> under an advisory lock, so replicas starting together don't race.
/// The tables of every source's known topics are made at start; a topic first met later (an unselected
/// resource under <c>DEFAULT_TOPIC</c>) gets its table before its first write.
/// State and child tables live in the raw schema (<c>stripe_raw</c>); what users query is the view of
/// the same name in the schema (<c>stripe.customer</c>), with the typed columns (<see cref="PostgresViews"/>).
/// The ledger and the DLQ table stay tables in the schema.
/// </summary>
internal sealed class PostgresSchema(NpgsqlDataSource dataSource, IOptions<PostgresSinkOptions> options, SourceCatalog sources, TypedColumnCatalog typedColumns)
{
    // Any constant both replicas agree on: "StripeCdc" in ASCII.
    private const long MigrationLock = 0x5374726970654364;

    private readonly string _schema = options.Value.Schema;
    private readonly string _raw = RawSchemaOf(options.Value.Schema);
    private readonly ConcurrentDictionary<string, PostgresTableKind> _ready = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile bool _ledgerReady;

    public string Name => _schema;

    /// <summary>The schema of the state and child tables the sink writes: the schema's name and <c>_raw</c>.</summary>
    public string RawName => _raw;

    public string Ledger => Qualified(_schema, LedgerTable);

    /// <summary>The backfill requests of new connected accounts (<c>ConnectBackfillNewAccounts</c>), in the raw schema.</summary>
    public string ConnectAccounts => Qualified(_raw, ConnectAccountTable);

    /// <summary>The ledger retention as an SQL interval literal (configuration, not user data).</summary>
    public string LedgerRetention { get; } = $"interval '{(long)options.Value.LedgerRetention.TotalSeconds} seconds'";

    /// <summary>The table the sink writes a state or child topic's rows to (in the raw schema).</summary>
    public string Table(string topic) => Qualified(_raw, TableName(topic));

    /// <summary>The view users query for a state or child topic, or a DLQ topic's table.</summary>
    public string Visible(string topic) => Qualified(_schema, TableName(topic));

    public static string RawSchemaOf(string schema) => schema + "_raw";

    /// <summary>Creates the schema, the ledger and the tables of every known topic.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var tables = new Dictionary<string, PostgresTableKind>(StringComparer.Ordinal);
        foreach (var source in sources.All)
        {
            var children = source.FanOut.Select(e => source.Topic(e.ChildTopic)).ToHashSet(StringComparer.Ordinal);
            foreach (var topic in source.KnownTopics.Concat(children))
            {
                tables[topic] = topic == source.DeadLetterTopic ? PostgresTableKind.DeadLetter
                    : children.Contains(topic) ? PostgresTableKind.Child
                    : PostgresTableKind.State;
            }
        }

        var collision = tables.Keys.GroupBy(TableName).FirstOrDefault(g => g.Count() > 1);
        if (collision is not null)
        {
            throw new InvalidOperationException(
                $"The topics {string.Join(" and ", collision.Select(t => $"'{t}'"))} would share the Postgres table '{collision.Key}'; rename one (TopicPrefix, DefaultTopic, DeadLetterQueue:Topic).");
        }

        await CreateAsync(tables, withLedger: true, cancellationToken);
    }

    /// <summary>Makes sure the tables exist before a write uses them (cheap once they are known).</summary>
    public ValueTask EnsureAsync(IReadOnlyDictionary<string, PostgresTableKind> tables, CancellationToken cancellationToken)
    {
        if (!_ledgerReady)
        {
            // Used without the start-up migration (a tool, a test harness): make the ledger too.
            return new ValueTask(CreateAsync(tables, withLedger: true, cancellationToken));
        }

        foreach (var table in tables)
        {
            if (!_ready.ContainsKey(table.Key))
            {
                return new ValueTask(CreateAsync(tables.Where(t => !_ready.ContainsKey(t.Key)).ToDictionary(), withLedger: false, cancellationToken));
            }
        }

        return ValueTask.CompletedTask;
    }

    private async Task CreateAsync(IReadOnlyDictionary<string, PostgresTableKind> tables, bool withLedger, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var sql = new List<string>
            {
                $"SELECT pg_advisory_xact_lock({MigrationLock})",
                $"CREATE SCHEMA IF NOT EXISTS {Quote(_schema)}",
                $"CREATE SCHEMA IF NOT EXISTS {Quote(_raw)}",
            };
            if (withLedger)
            {
                sql.AddRange(LedgerDdl());
                if (sources.All.Any(s => s.Options.ConnectBackfillNewAccounts))
                {
                    // Only where a source asks for backfills of new accounts.
                    sql.Add(ConnectAccountDdl());
                }
            }

            foreach (var (topic, kind) in tables)
            {
                sql.AddRange(RenameFromTopicName(topic));
                if (kind == PostgresTableKind.DeadLetter)
                {
                    sql.AddRange(TableDdl(Visible(topic), kind));
                }
                else
                {
                    sql.AddRange(MoveToRaw(topic));
                    sql.AddRange(TableDdl(Table(topic), kind));
                }
            }

            await ExecuteAsync(connection, transaction, sql, cancellationToken);

            var views = tables.Where(t => t.Value != PostgresTableKind.DeadLetter).ToList();
            if (views.Count > 0)
            {
                var existing = await PostgresViews.ReadAsync(connection, transaction, _schema, cancellationToken);
                await ExecuteAsync(
                    connection,
                    transaction,
                    [.. views.SelectMany(v => PostgresViews.Ddl(
                        Visible(v.Key),
                        Table(v.Key),
                        PostgresRowColumns.Of(v.Value),
                        typedColumns.ColumnsOf(v.Key, v.Value),
                        existing.GetValueOrDefault(TableName(v.Key)) ?? []))],
                    cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            foreach (var (topic, kind) in tables)
            {
                _ready[topic] = kind;
            }

            _ledgerReady |= withLedger;
        }
        finally
        {
            _lock.Release();
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<string> sql, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var statement in sql)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// A table an older version named after the topic itself (<c>"acme.customer"</c>) takes its plain name in
    /// the schema, rows and all (and then moves to the raw schema with <see cref="MoveToRaw"/>).
    /// </summary>
    private IEnumerable<string> RenameFromTopicName(string topic)
    {
        var table = TableName(topic);
        if (table == topic)
        {
            yield break;
        }

        var old = Qualified(_schema, topic);
        yield return $"""
            DO $$ BEGIN
              IF to_regclass({Literal(old)}) IS NOT NULL AND to_regclass({Literal(Visible(topic))}) IS NULL AND to_regclass({Literal(Table(topic))}) IS NULL THEN
                ALTER TABLE {old} RENAME TO {table};
              END IF;
            END $$
            """;
    }

    /// <summary>
    /// A state or child table an older version kept in the schema (<c>stripe.customer</c>) moves to the raw
    /// schema, rows, indexes and all; its place in the schema is then taken by the view.
    /// </summary>
    private IEnumerable<string> MoveToRaw(string topic)
    {
        yield return $"""
            DO $$ BEGIN
              IF EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname = {Literal(_schema)} AND c.relname = {Literal(TableName(topic))} AND c.relkind IN ('r', 'p'))
                 AND to_regclass({Literal(Table(topic))}) IS NULL THEN
                ALTER TABLE {Visible(topic)} SET SCHEMA {Quote(_raw)};
              END IF;
            END $$
            """;
    }

    private IEnumerable<string> LedgerDdl()
    {
        yield return $"""
            CREATE TABLE IF NOT EXISTS {Ledger} (
              source text NOT NULL,
              event_id text NOT NULL,
              committed_at timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (source, event_id))
            """;
        yield return $"CREATE INDEX IF NOT EXISTS {Quote(LedgerTable + "_committed_at")} ON {Ledger} (committed_at)";
    }

    // position orders the requests for the worker, which reads on from the last one it saw.
    private string ConnectAccountDdl() => $"""
        CREATE TABLE IF NOT EXISTS {ConnectAccounts} (
          source text NOT NULL,
          account text NOT NULL,
          first_seen timestamptz NOT NULL,
          requested_at timestamptz NOT NULL DEFAULT now(),
          position bigint GENERATED ALWAYS AS IDENTITY,
          PRIMARY KEY (source, account))
        """;

    /// <summary>A state table's key, as written in <c>PRIMARY KEY</c> and <c>ON CONFLICT</c>: (<c>account</c>, <c>id</c>).</summary>
    internal static readonly string StateKey = string.Join(", ", PostgresRowColumns.State.Where(c => c.Key).Select(c => c.Name));

    /// <summary>A fan-out child table's key: (<c>account</c>, <c>parent_id</c>, <c>id</c>).</summary>
    internal static readonly string ChildKey = string.Join(", ", PostgresRowColumns.Child.Where(c => c.Key).Select(c => c.Name));

    private static IEnumerable<string> TableDdl(string table, PostgresTableKind kind)
    {
        (string Name, string Type)[] columns;
        string? key = null;
        if (kind == PostgresTableKind.DeadLetter)
        {
            yield return $"CREATE TABLE IF NOT EXISTS {table} (id bigserial PRIMARY KEY)";
            columns =
            [
                ("body", "bytea NOT NULL DEFAULT ''"),
                ("reason", "text NOT NULL DEFAULT ''"),
                ("error", "text"),
                ("source", "text NOT NULL DEFAULT ''"),
                ("received_at", "timestamptz NOT NULL DEFAULT now()"),
                ("stripe_signature", "text"),
                ("replayed_at", "timestamptz"),
                (PostgresRowColumns.Account.Name, PostgresRowColumns.Account.Definition),
            ];
        }
        else
        {
            var rowColumns = PostgresRowColumns.Of(kind);
            var keys = rowColumns.Where(c => c.Key).ToList();
            key = string.Join(", ", keys.Select(k => k.Name));
            yield return $"CREATE TABLE IF NOT EXISTS {table} ({string.Join(", ", keys.Select(k => k.Definition.Contains("NOT NULL", StringComparison.Ordinal) ? $"{k.Name} {k.Definition}" : $"{k.Name} {k.Definition} NOT NULL"))}, PRIMARY KEY ({key}))";

            // The account (SPEC §12) is the one key column a table made by an older version can lack.
            columns = [.. rowColumns.Where(c => !c.Key || c == PostgresRowColumns.Account).Select(c => (c.Name, c.Definition))];
        }

        // A table made by an older version gets the columns added since.
        foreach (var (name, type) in columns)
        {
            yield return $"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} {type}";
        }

        if (key is not null)
        {
            // A table made before the account column was keyed without it: its rows are the platform's (account
            // ''), so the wider key holds them all. Swapped in place, once (a key that has account is left alone).
            var literal = table.Replace("'", "''", StringComparison.Ordinal);
            yield return $"""
                DO $$ DECLARE k name; BEGIN
                  SELECT c.conname INTO k FROM pg_constraint c
                  WHERE c.conrelid = '{literal}'::regclass AND c.contype = 'p'
                    AND NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) AND a.attname = 'account');
                  IF k IS NOT NULL THEN
                    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I, ADD PRIMARY KEY ({key})', '{literal}', k);
                  END IF;
                END $$
                """;
        }

        if (kind != PostgresTableKind.DeadLetter)
        {
            // Values over 2 KB are compressed; pglz (the default) took an eighth of Postgres's CPU per event in
            // the benchmark, lz4 a fraction of that. Servers before 14 or built without lz4 keep pglz.
            yield return $"""
                DO $$ BEGIN EXECUTE {Literal($"ALTER TABLE {table} ALTER COLUMN data SET COMPRESSION lz4")};
                EXCEPTION WHEN feature_not_supported OR syntax_error THEN NULL; END $$
                """;
        }
    }
}
