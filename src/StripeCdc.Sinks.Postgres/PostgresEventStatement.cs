using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using StripeCdc.Records;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// Turns one event's records into one SQL statement, so an event is one round trip's worth of work and
/// atomic by itself: the ledger row (a duplicate inserts nothing and so applies nothing), each parent
/// upsert behind the ordering guard, and its children, which replace the stored child set only when
/// the parent was applied. The statement returns one row: whether the ledger row was new, and per
/// parent whether it was applied and what the stored row held before (for the stale/tie counters).
/// The sink's fallback path: a group is written set-based (<see cref="PostgresGroupWrite"/>) unless
/// Postgres refuses one of its values, and then event by event so that only that event fails.
/// </summary>
internal static class PostgresEventStatement
{
    /// <summary>
    /// SPEC §10's ordering guard: newer wins; on a tie (same second) the later arrival wins, unless the
    /// stored row is final: deleted, or cancelled by <c>customer.subscription.deleted</c>.
    /// </summary>
    internal const string Guard =
        "excluded.event_created > t.event_created OR (excluded.event_created = t.event_created AND NOT t.deleted AND t.event_type NOT LIKE '%.deleted')";

    public static PostgresTableKind KindOf(OutgoingRecord record) => record.Role switch
    {
        RecordRole.Child => PostgresTableKind.Child,
        RecordRole.DeadLetter => PostgresTableKind.DeadLetter,
        _ => PostgresTableKind.State,
    };

    /// <summary>The statement of one event; its result columns report on <see cref="PostgresEventRows.Parents"/>, in order.</summary>
    public static NpgsqlBatchCommand Build(PostgresSchema schema, PostgresEventRows rows)
    {
        if (rows.IsDeadLetter)
        {
            return DeadLetters(schema, rows.Records);
        }

        var origin = rows.Origin;
        var command = new NpgsqlBatchCommand();
        var p = command.Parameters;
        var sql = new StringBuilder(1024);

        p.Add(new NpgsqlParameter { Value = origin.Source });
        p.Add(new NpgsqlParameter { Value = origin.EventId });
        p.Add(new NpgsqlParameter { Value = origin.EventType });
        p.Add(new NpgsqlParameter { Value = origin.Created, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        p.Add(new NpgsqlParameter { Value = rows.Deleted });
        p.Add(new NpgsqlParameter { Value = rows.Account });
        sql.Append("WITH l AS (");
        sql.Append(origin.IsSnapshot
            ? "SELECT 1"
            : $"INSERT INTO {schema.Ledger} AS e (source, event_id, committed_at) VALUES ($1, $2, now()) ON CONFLICT (source, event_id) DO UPDATE SET committed_at = now() WHERE e.committed_at < now() - {schema.LedgerRetention} RETURNING 1");
        sql.Append(')');

        var parentIndex = new Dictionary<(string Table, string Id), int>();
        for (var i = 0; i < rows.Parents.Count; i++)
        {
            var (topic, _, id) = rows.Parents[i];
            var table = schema.Table(topic);
            parentIndex.TryAdd((topic, id), i);
            var idParam = Add(p, id);
            var dataParam = Add(p, Encoding.UTF8.GetString(rows.ParentRecords[i].BuildValue()));
            sql.Append($", o{i} AS (SELECT event_created, event_id FROM {table} WHERE account = $6 AND id = ${idParam})");
            sql.Append($", p{i} AS (INSERT INTO {table} AS t (account, id, data, event_id, event_type, event_created, deleted, synced_at) ");
            sql.Append($"SELECT $6, ${idParam}, ${dataParam}::jsonb, $2, $3, $4, $5, now() WHERE EXISTS (SELECT FROM l) ");
            sql.Append($"ON CONFLICT ({PostgresSchema.StateKey}) DO UPDATE SET data = excluded.data, event_id = excluded.event_id, event_type = excluded.event_type, ");
            sql.Append("event_created = excluded.event_created, deleted = excluded.deleted, synced_at = excluded.synced_at ");
            sql.Append($"WHERE {Guard} RETURNING 1)");
        }

        var complete = new HashSet<(string Topic, string ParentId)>(rows.CompleteChildSets);
        var c = 0;
        foreach (var set in rows.Children.GroupBy(child => (child.Topic, child.ParentTopic, child.ParentId)))
        {
            AppendChildren(set.Key.Topic, set.Key.ParentTopic, set.Key.ParentId, [.. set.Select(x => (x.Id, Encoding.UTF8.GetString(x.Record.BuildValue())))]);
            complete.Remove((set.Key.Topic, set.Key.ParentId));
        }

        // A complete list that is empty has no records: its stored children all go.
        foreach (var (topic, parentId) in complete)
        {
            AppendChildren(topic, rows.ParentTopicOf(parentId), parentId, []);
        }

        sql.Append(" SELECT EXISTS (SELECT FROM l)");
        for (var i = 0; i < rows.Parents.Count; i++)
        {
            sql.Append($", EXISTS (SELECT FROM p{i}), (SELECT event_created FROM o{i}), (SELECT event_id FROM o{i})");
        }

        command.CommandText = sql.ToString();
        return command;

        void AppendChildren(string topic, string? parentTopic, string parentId, (string Id, string Data)[] children)
        {
            var table = schema.Table(topic);
            var gate = parentTopic is not null && parentIndex.TryGetValue((parentTopic, parentId), out var parent) ? $"p{parent}" : "l";
            var parentParam = Add(p, parentId);
            var idsParam = Add(p, children.Select(x => x.Id).ToArray());
            var dataParam = Add(p, children.Select(x => x.Data).ToArray());
            if (gate != "l" && rows.CompleteChildSets.Contains((topic, parentId)))
            {
                sql.Append($", d{c} AS (DELETE FROM {table} WHERE account = $6 AND parent_id = ${parentParam} AND NOT (id = ANY(${idsParam}::text[])) AND EXISTS (SELECT FROM {gate}))");
            }

            sql.Append($", c{c} AS (INSERT INTO {table} AS t (account, parent_id, id, data, event_id, event_created, synced_at) ");
            sql.Append($"SELECT $6, ${parentParam}, u.id, u.data::jsonb, $2, $4, now() FROM unnest(${idsParam}::text[], ${dataParam}::text[]) AS u(id, data) WHERE EXISTS (SELECT FROM {gate}) ");
            sql.Append($"ON CONFLICT ({PostgresSchema.ChildKey}) DO UPDATE SET data = excluded.data, event_id = excluded.event_id, event_created = excluded.event_created, synced_at = excluded.synced_at)");
            c++;
        }
    }

    /// <summary>Reads the statement's row: null when the event was a duplicate (its ledger row existed).</summary>
    public static EventResult Read(NpgsqlDataReader reader, RecordOrigin origin, List<ParentRow> parents)
    {
        var fresh = reader.GetBoolean(0);
        var outcomes = new ParentOutcome[parents.Count];
        for (var i = 0; i < parents.Count; i++)
        {
            var column = 1 + (3 * i);
            var applied = reader.GetBoolean(column);
            var previous = reader.IsDBNull(column + 1) ? (DateTime?)null : reader.GetFieldValue<DateTime>(column + 1);
            var previousEvent = reader.IsDBNull(column + 2) ? null : reader.GetString(column + 2);
            outcomes[i] = !applied ? ParentOutcome.Stale
                : previous is { } at && new DateTimeOffset(at, TimeSpan.Zero) == origin.Created && previousEvent != origin.EventId ? ParentOutcome.Tie
                : ParentOutcome.Applied;
        }

        return new EventResult(Duplicate: !fresh, outcomes);
    }

    /// <summary>
    /// The parts of a record key: <c>{"id":"…"}</c> or <c>{"id":"…","item_id":"…"}</c>, led by <c>"account"</c> for a
    /// connected account's record (SPEC §12); the account is <c>''</c> when the key has none (the platform's own).
    /// </summary>
    internal static (string Account, string Id, string? ItemId) ReadKey(byte[]? key)
    {
        if (key is null)
        {
            throw new ArgumentException("A state-table record needs a key.");
        }

        var reader = new Utf8JsonReader(key);
        string? account = null, id = null, itemId = null;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
            {
                var isId = reader.ValueTextEquals("id"u8);
                var isItem = reader.ValueTextEquals("item_id"u8);
                var isAccount = reader.ValueTextEquals("account"u8);
                reader.Read();
                if (isAccount)
                {
                    account = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (isId)
                {
                    id = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (isItem)
                {
                    itemId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return (account ?? string.Empty, id ?? throw new ArgumentException("The record key has no \"id\"; a state-table row needs one."), itemId);
    }

    internal static NpgsqlBatchCommand DeadLetters(PostgresSchema schema, IReadOnlyList<OutgoingRecord> records)
    {
        var command = new NpgsqlBatchCommand();
        var sql = new StringBuilder("WITH i AS (");
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            sql.Append(i == 0 ? string.Empty : " UNION ALL ");
            var body = Add(command.Parameters, record.BuildValue());
            var reason = Add(command.Parameters, Header(record, RecordHeaderNames.DeadLetterReason) ?? string.Empty);
            var error = Add(command.Parameters, (object?)Header(record, RecordHeaderNames.DeadLetterError) ?? DBNull.Value);
            var source = Add(command.Parameters, Header(record, RecordHeaderNames.DeadLetterSource) ?? string.Empty);
            var receivedAt = Add(command.Parameters, DateTimeOffset.TryParse(Header(record, RecordHeaderNames.DeadLetterReceivedAt), out var at) ? at : DateTimeOffset.UtcNow);
            var signature = Add(command.Parameters, (object?)Header(record, RecordHeaderNames.StripeSignature) ?? DBNull.Value);
            var account = Add(command.Parameters, Header(record, RecordHeaderNames.DeadLetterAccount) ?? string.Empty);
            sql.Append($"SELECT ${body}::bytea AS body, ${reason}::text AS reason, ${error}::text AS error, ${source}::text AS source, ${receivedAt}::timestamptz AS received_at, ${signature}::text AS stripe_signature, ${account}::text AS account");
        }

        // Every record of one call targets one DLQ table (one source); several calls share a transaction.
        sql.Append($"), w AS (INSERT INTO {schema.Visible(records[0].Topic)} (body, reason, error, source, received_at, stripe_signature, account) SELECT * FROM i RETURNING 1) SELECT true FROM (SELECT count(*) FROM w) AS n");
        command.CommandText = sql.ToString();
        return command;
    }

    /// <summary>A header as text; a NUL (which <c>text</c> cannot hold) becomes U+FFFD so the body still lands.</summary>
    private static string? Header(OutgoingRecord record, string name) =>
        record.FindHeader(name) is { } value ? Encoding.UTF8.GetString(value).Replace('\0', '\uFFFD') : null;

    private static int Add(NpgsqlParameterCollection parameters, object value)
    {
        parameters.Add(new NpgsqlParameter { Value = value });
        return parameters.Count;
    }
}

/// <summary>A parent record of an event: its table's topic, its account (<c>''</c> for the platform's own) and object id.</summary>
internal sealed record ParentRow(string Topic, string Account, string Id);

internal enum ParentOutcome
{
    Applied,
    Stale,
    Tie,
}

internal sealed record EventResult(bool Duplicate, ParentOutcome[] Parents);
