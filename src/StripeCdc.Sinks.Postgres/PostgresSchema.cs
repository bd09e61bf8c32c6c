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
/// </summary>
internal sealed class PostgresSchema(NpgsqlDataSource dataSource, IOptions<PostgresSinkOptions> options, SourceCatalog sources)
{
    // Any constant both replicas agree on: "StripeCdc" in ASCII.
    private const long MigrationLock = 0x5374726970654364;

    private readonly string _schema = options.Value.Schema;
    private readonly ConcurrentDictionary<string, PostgresTableKind> _ready = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile bool _ledgerReady;

    public string Name => _schema;

    public string Ledger => Qualified(_schema, LedgerTable);

    /// <summary>The ledger retention as an SQL interval literal (configuration, not user data).</summary>
    public string LedgerRetention { get; } = $"interval '{(long)options.Value.LedgerRetention.TotalSeconds} seconds'";

    public string Table(string topic) => Qualified(_schema, TableName(topic));

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
            var sql = new List<string> { $"SELECT pg_advisory_xact_lock({MigrationLock})", $"CREATE SCHEMA IF NOT EXISTS {Quote(_schema)}" };
            if (withLedger)
            {
                sql.AddRange(LedgerDdl());
            }

            foreach (var (topic, kind) in tables)
            {
                sql.AddRange(RenameFromTopicName(topic));
                sql.AddRange(TableDdl(Table(topic), kind));
            }

            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                foreach (var statement in sql)
                {
                    batch.BatchCommands.Add(new NpgsqlBatchCommand(statement));
                }

                await batch.ExecuteNonQueryAsync(cancellationToken);
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

    /// <summary>A table an older version named after the topic itself (<c>"acme.customer"</c>) takes its plain name, rows and all.</summary>
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
              IF to_regclass('{old.Replace("'", "''", StringComparison.Ordinal)}') IS NOT NULL AND to_regclass('{Table(topic)}') IS NULL THEN
                ALTER TABLE {old} RENAME TO {table};
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

    /// <summary>
    /// The account column (SPEC §12): the connected account a row belongs to, <c>''</c> for the platform's own
    /// objects and on every source without <c>Connect</c>. It leads every state and child table's key.
    /// </summary>
    internal static readonly (string Name, string Type) AccountColumn = ("account", "text NOT NULL DEFAULT ''");

    /// <summary>A state table's key, as written in <c>PRIMARY KEY</c> and <c>ON CONFLICT</c>.</summary>
    internal const string StateKey = "account, id";

    /// <summary>A fan-out child table's key.</summary>
    internal const string ChildKey = "account, parent_id, id";

    /// <summary>The row columns of a state table (after its key), in one place.</summary>
    internal static readonly (string Name, string Type)[] StateColumns =
    [
        AccountColumn,
        ("data", "jsonb NOT NULL DEFAULT '{}'"),
        ("event_id", "text NOT NULL DEFAULT ''"),
        ("event_type", "text NOT NULL DEFAULT ''"),
        ("event_created", "timestamptz NOT NULL DEFAULT '-infinity'"),
        ("deleted", "boolean NOT NULL DEFAULT false"),
        ("synced_at", "timestamptz NOT NULL DEFAULT now()"),
    ];

    /// <summary>The row columns of a fan-out child table (after its key).</summary>
    internal static readonly (string Name, string Type)[] ChildColumns =
    [
        AccountColumn,
        ("data", "jsonb NOT NULL DEFAULT '{}'"),
        ("event_id", "text NOT NULL DEFAULT ''"),
        ("event_created", "timestamptz NOT NULL DEFAULT '-infinity'"),
        ("synced_at", "timestamptz NOT NULL DEFAULT now()"),
    ];

    private static IEnumerable<string> TableDdl(string table, PostgresTableKind kind)
    {
        (string Name, string Type)[] columns;
        string? key = null;
        switch (kind)
        {
            case PostgresTableKind.State:
                yield return $"CREATE TABLE IF NOT EXISTS {table} (account text NOT NULL DEFAULT '', id text NOT NULL, PRIMARY KEY ({StateKey}))";
                columns = StateColumns;
                key = StateKey;
                break;
            case PostgresTableKind.Child:
                yield return $"CREATE TABLE IF NOT EXISTS {table} (account text NOT NULL DEFAULT '', parent_id text NOT NULL, id text NOT NULL, PRIMARY KEY ({ChildKey}))";
                columns = ChildColumns;
                key = ChildKey;
                break;
            default:
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
                    AccountColumn,
                ];
                break;
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
                    EXECUTE format('ALTER TABLE {literal} DROP CONSTRAINT %I, ADD PRIMARY KEY ({key})', k);
                  END IF;
                END $$
                """;
        }

        if (kind != PostgresTableKind.DeadLetter)
        {
            // Values over 2 KB are compressed; pglz (the default) took an eighth of Postgres's CPU per event in
            // the benchmark, lz4 a fraction of that. Servers before 14 or built without lz4 keep pglz.
            yield return $"""
                DO $$ BEGIN EXECUTE 'ALTER TABLE {table.Replace("'", "''", StringComparison.Ordinal)} ALTER COLUMN data SET COMPRESSION lz4';
                EXCEPTION WHEN feature_not_supported OR syntax_error THEN NULL; END $$
                """;
        }
    }
}
