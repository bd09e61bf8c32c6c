using System.Text;
using Npgsql;
using NpgsqlTypes;
using StripeCdc.Records;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// A group's write as a few set-based statements instead of one statement per event, in two round trips
/// inside the caller's transaction:
/// <list type="number">
/// <item>the ledger rows of the whole group (one insert from arrays; <c>RETURNING</c> says which ids are
/// new) and the guard columns of every parent row the group touches, locked (<c>FOR UPDATE</c>);</item>
/// <item>one statement per state table (its upsert, and its child tables' deletes and upserts as CTEs),
/// and the DLQ rows.</item>
/// </list>
/// In between, the events are folded in arrival order through SPEC §10's ordering guard, exactly as the
/// per-event statements would apply them one after the other: that gives each event its outcome
/// (applied, stale, tie) and each row its last version, so a row is written once per group and
/// <c>ON CONFLICT</c> never meets the same row twice. Child sets fold the same way (a complete list
/// replaces what came before it). The upserts keep the guard in SQL, and children are written only where
/// the parent row was written by this group (the parent upsert's <c>RETURNING</c>, in the same
/// statement). A value Postgres refuses fails the whole statement: the caller then runs the group
/// through the per-event path, which isolates that event.
/// </summary>
internal static class PostgresGroupWrite
{
    private const NpgsqlDbType TextArray = NpgsqlDbType.Array | NpgsqlDbType.Text;
    private const NpgsqlDbType JsonbArray = NpgsqlDbType.Array | NpgsqlDbType.Jsonb;
    private const NpgsqlDbType TimestampArray = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz;
    private const NpgsqlDbType BooleanArray = NpgsqlDbType.Array | NpgsqlDbType.Boolean;

    public static async Task<EventResult[]> RunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, PostgresSchema schema, IReadOnlyList<PostgresEventRows> events, CancellationToken cancellationToken)
    {
        // Round trip 1: ledger and stored rows.
        var firstOfId = new Dictionary<(string Source, string EventId), int>();
        var parentIds = new Dictionary<string, HashSet<(string Account, string Id)>>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.IsDeadLetter)
            {
                continue;
            }

            if (!e.Origin.IsSnapshot)
            {
                firstOfId.TryAdd((e.Origin.Source, e.Origin.EventId), i);
            }

            foreach (var parent in e.Parents)
            {
                if (!parentIds.TryGetValue(parent.Topic, out var ids))
                {
                    parentIds[parent.Topic] = ids = [];
                }

                ids.Add((parent.Account, parent.Id));
            }
        }

        var fresh = new HashSet<(string Source, string EventId)>();
        var stored = new Dictionary<(string Topic, string Account, string Id), GuardRow>();
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            if (firstOfId.Count > 0)
            {
                batch.BatchCommands.Add(Command(
                    $"INSERT INTO {schema.Ledger} AS e (source, event_id, committed_at) SELECT u.source, u.event_id, now() FROM unnest($1::text[], $2::text[]) AS u(source, event_id) "
                    + $"ON CONFLICT (source, event_id) DO UPDATE SET committed_at = now() WHERE e.committed_at < now() - {schema.LedgerRetention} RETURNING e.source, e.event_id",
                    (TextArray, firstOfId.Keys.Select(k => k.Source).ToArray()),
                    (TextArray, firstOfId.Keys.Select(k => k.EventId).ToArray())));
            }

            foreach (var (topic, ids) in parentIds)
            {
                batch.BatchCommands.Add(Command(
                    $"SELECT account, id, event_created, event_id, event_type, deleted FROM {schema.Table(topic)} WHERE ({PostgresSchema.StateKey}) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY {PostgresSchema.StateKey} FOR UPDATE",
                    (TextArray, ids.Select(k => k.Account).ToArray()),
                    (TextArray, ids.Select(k => k.Id).ToArray())));
            }

            if (batch.BatchCommands.Count > 0)
            {
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
                if (firstOfId.Count > 0)
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        fresh.Add((reader.GetString(0), reader.GetString(1)));
                    }

                    await reader.NextResultAsync(cancellationToken);
                }

                foreach (var topic in parentIds.Keys)
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        stored[(topic, reader.GetString(0), reader.GetString(1))] = new GuardRow(reader.GetFieldValue<DateTime>(2), reader.GetString(3), reader.GetString(4), reader.GetBoolean(5));
                    }

                    await reader.NextResultAsync(cancellationToken);
                }
            }
        }

        // In memory: the guard, event by event in arrival order.
        var results = new EventResult[events.Count];
        var winners = new Dictionary<(string Topic, string Account, string Id), (PostgresEventRows Event, OutgoingRecord Record)>();
        var childSets = new Dictionary<(string Topic, string ParentTopic, string Account, string ParentId), ChildSet>();
        var looseChildren = new Dictionary<(string Topic, string Account, string ParentId, string Id), (PostgresEventRows Event, OutgoingRecord Record)>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var outcomes = new ParentOutcome[e.Parents.Count];
            if (e.IsDeadLetter)
            {
                results[i] = new EventResult(Duplicate: false, outcomes);
                continue;
            }

            var key = (e.Origin.Source, e.Origin.EventId);
            if (!e.Origin.IsSnapshot && !(firstOfId[key] == i && fresh.Contains(key)))
            {
                results[i] = new EventResult(Duplicate: true, outcomes);
                continue;
            }

            var created = Micros(e.Origin.Created.UtcDateTime);
            var applied = new HashSet<(string Topic, string Account, string Id)>();
            for (var j = 0; j < e.Parents.Count; j++)
            {
                var row = (e.Parents[j].Topic, e.Parents[j].Account, e.Parents[j].Id);
                var before = stored.TryGetValue(row, out var s) ? s : null;
                if (before is not null && !(created > before.Created || (created == before.Created && !before.IsFinal)))
                {
                    outcomes[j] = ParentOutcome.Stale;
                    continue;
                }

                outcomes[j] = before is not null && before.Created == created && before.EventId != e.Origin.EventId ? ParentOutcome.Tie : ParentOutcome.Applied;
                stored[row] = new GuardRow(created, e.Origin.EventId, e.Origin.EventType, e.Deleted);
                winners[row] = (e, e.ParentRecords[j]);
                applied.Add(row);
            }

            foreach (var (topic, parentId) in e.CompleteChildSets)
            {
                var parentTopic = e.ParentTopicOf(parentId)!;
                if (applied.Contains((parentTopic, e.Account, parentId)))
                {
                    var set = SetOf(childSets, topic, parentTopic, e.Account, parentId);
                    set.Replace = true;
                    set.Items.Clear();
                }
            }

            foreach (var child in e.Children)
            {
                if (child.ParentTopic is null)
                {
                    looseChildren[(child.Topic, e.Account, child.ParentId, child.Id)] = (e, child.Record);
                }
                else if (applied.Contains((child.ParentTopic, e.Account, child.ParentId)))
                {
                    SetOf(childSets, child.Topic, child.ParentTopic, e.Account, child.ParentId).Items[child.Id] = (e, child.Record);
                }
            }

            results[i] = new EventResult(Duplicate: false, outcomes);
        }

        // Round trip 2: the writes.
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var e in events)
            {
                if (e.IsDeadLetter)
                {
                    batch.BatchCommands.Add(PostgresEventStatement.DeadLetters(schema, e.Records));
                }
            }

            foreach (var table in winners.GroupBy(w => w.Key.Topic, StringComparer.Ordinal))
            {
                batch.BatchCommands.Add(ParentWrite(schema, table.Key, [.. table], childSets));
            }

            foreach (var table in looseChildren.GroupBy(c => c.Key.Topic, StringComparer.Ordinal))
            {
                var command = new NpgsqlBatchCommand();
                var rows = table.ToArray();
                command.CommandText = ChildUpsert(command, schema.Table(table.Key), gate: null,
                    rows.Select(r => r.Key.Account).ToArray(), rows.Select(r => r.Key.ParentId).ToArray(), rows.Select(r => r.Key.Id).ToArray(), rows.Select(r => r.Value).ToArray());
                batch.BatchCommands.Add(command);
            }

            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        return results;
    }

    /// <summary>
    /// One statement per state table: the upsert of its rows behind the guard, then, gated on the rows it
    /// actually wrote (its <c>RETURNING</c>), each child table's replaced leftovers deleted and its rows upserted.
    /// </summary>
    private static NpgsqlBatchCommand ParentWrite(
        PostgresSchema schema,
        string topic,
        KeyValuePair<(string Topic, string Account, string Id), (PostgresEventRows Event, OutgoingRecord Record)>[] rows,
        Dictionary<(string Topic, string ParentTopic, string Account, string ParentId), ChildSet> childSets)
    {
        var command = new NpgsqlBatchCommand();
        var sql = new StringBuilder(1024);
        sql.Append($"WITH p AS (INSERT INTO {schema.Table(topic)} AS t (account, id, data, event_id, event_type, event_created, deleted, synced_at) ");
        sql.Append("SELECT u.account, u.id, u.data, u.event_id, u.event_type, u.event_created, u.deleted, now() ");
        sql.Append($"FROM unnest({Add(command, TextArray, rows.Select(r => r.Key.Account).ToArray())}::text[], ");
        sql.Append($"{Add(command, TextArray, rows.Select(r => r.Key.Id).ToArray())}::text[], ");
        sql.Append($"{Add(command, JsonbArray, rows.Select(r => r.Value.Record.BuildValue()).ToArray())}::jsonb[], ");
        sql.Append($"{Add(command, TextArray, rows.Select(r => r.Value.Event.Origin.EventId).ToArray())}::text[], ");
        sql.Append($"{Add(command, TextArray, rows.Select(r => r.Value.Event.Origin.EventType).ToArray())}::text[], ");
        sql.Append($"{Add(command, TimestampArray, rows.Select(r => Micros(r.Value.Event.Origin.Created.UtcDateTime)).ToArray())}::timestamptz[], ");
        sql.Append($"{Add(command, BooleanArray, rows.Select(r => r.Value.Event.Deleted).ToArray())}::boolean[]) AS u(account, id, data, event_id, event_type, event_created, deleted) ");
        sql.Append($"ON CONFLICT ({PostgresSchema.StateKey}) DO UPDATE SET data = excluded.data, event_id = excluded.event_id, event_type = excluded.event_type, ");
        sql.Append($"event_created = excluded.event_created, deleted = excluded.deleted, synced_at = excluded.synced_at WHERE {PostgresEventStatement.Guard} RETURNING t.account, t.id)");

        var c = 0;
        foreach (var children in childSets.Where(s => s.Key.ParentTopic == topic).GroupBy(s => s.Key.Topic, StringComparer.Ordinal))
        {
            var table = schema.Table(children.Key);
            var replaced = children.Where(s => s.Value.Replace).ToArray();
            if (replaced.Length > 0)
            {
                var kept = replaced.SelectMany(s => s.Value.Items.Keys.Select(id => (s.Key.Account, s.Key.ParentId, Id: id))).ToArray();
                sql.Append($", d{c} AS (DELETE FROM {table} AS c WHERE (c.account, c.parent_id) IN (SELECT * FROM unnest({Add(command, TextArray, replaced.Select(s => s.Key.Account).ToArray())}::text[], {Add(command, TextArray, replaced.Select(s => s.Key.ParentId).ToArray())}::text[])) ");
                sql.Append("AND (c.account, c.parent_id) IN (SELECT account, id FROM p) ");
                sql.Append($"AND NOT EXISTS (SELECT FROM unnest({Add(command, TextArray, kept.Select(k => k.Account).ToArray())}::text[], {Add(command, TextArray, kept.Select(k => k.ParentId).ToArray())}::text[], {Add(command, TextArray, kept.Select(k => k.Id).ToArray())}::text[]) AS k(account, parent_id, id) ");
                sql.Append("WHERE k.account = c.account AND k.parent_id = c.parent_id AND k.id = c.id))");
            }

            var items = children.SelectMany(s => s.Value.Items.Select(item => (s.Key.Account, s.Key.ParentId, Id: item.Key, item.Value))).ToArray();
            if (items.Length > 0)
            {
                sql.Append($", c{c} AS (");
                sql.Append(ChildUpsert(command, table, gate: "(u.account, u.parent_id) IN (SELECT account, id FROM p)",
                    items.Select(r => r.Account).ToArray(), items.Select(r => r.ParentId).ToArray(), items.Select(r => r.Id).ToArray(), items.Select(r => r.Value).ToArray()));
                sql.Append(')');
            }

            c++;
        }

        sql.Append(" SELECT 1");
        command.CommandText = sql.ToString();
        return command;
    }

    /// <summary>The upsert of child rows from arrays, only those that pass <paramref name="gate"/> when there is one.</summary>
    private static string ChildUpsert(NpgsqlBatchCommand command, string table, string? gate, string[] accounts, string[] parentIds, string[] ids, (PostgresEventRows Event, OutgoingRecord Record)[] values) =>
        $"INSERT INTO {table} AS t (account, parent_id, id, data, event_id, event_created, synced_at) "
        + "SELECT u.account, u.parent_id, u.id, u.data, u.event_id, u.event_created, now() "
        + $"FROM unnest({Add(command, TextArray, accounts)}::text[], {Add(command, TextArray, parentIds)}::text[], {Add(command, TextArray, ids)}::text[], "
        + $"{Add(command, JsonbArray, values.Select(v => v.Record.BuildValue()).ToArray())}::jsonb[], "
        + $"{Add(command, TextArray, values.Select(v => v.Event.Origin.EventId).ToArray())}::text[], "
        + $"{Add(command, TimestampArray, values.Select(v => Micros(v.Event.Origin.Created.UtcDateTime)).ToArray())}::timestamptz[]) AS u(account, parent_id, id, data, event_id, event_created) "
        + (gate is null ? string.Empty : $"WHERE {gate} ")
        + $"ON CONFLICT ({PostgresSchema.ChildKey}) DO UPDATE SET data = excluded.data, event_id = excluded.event_id, event_created = excluded.event_created, synced_at = excluded.synced_at";

    /// <summary>Adds a positional parameter and returns its placeholder.</summary>
    private static string Add(NpgsqlBatchCommand command, NpgsqlDbType type, object value)
    {
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value });
        return "$" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static ChildSet SetOf(Dictionary<(string Topic, string ParentTopic, string Account, string ParentId), ChildSet> sets, string topic, string parentTopic, string account, string parentId)
    {
        if (!sets.TryGetValue((topic, parentTopic, account, parentId), out var set))
        {
            sets[(topic, parentTopic, account, parentId)] = set = new ChildSet();
        }

        return set;
    }

    private static NpgsqlBatchCommand Command(string sql, params (NpgsqlDbType Type, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (type, value) in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value });
        }

        return command;
    }

    /// <summary>timestamptz keeps microseconds: compare in memory, and write, at the precision Postgres stores.</summary>
    private static DateTime Micros(DateTime utc) => new(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);

    /// <summary>The guard columns of a stored (or, within the group, folded) row.</summary>
    private sealed record GuardRow(DateTime Created, string EventId, string EventType, bool Deleted)
    {
        /// <summary>Deleted, or cancelled: a same-second change does not overwrite it.</summary>
        public bool IsFinal => Deleted || EventType.EndsWith(".deleted", StringComparison.Ordinal);
    }

    /// <summary>One parent's children folded over the group: whether a complete list replaced the stored set, and the rows to upsert.</summary>
    private sealed class ChildSet
    {
        public bool Replace { get; set; }

        public Dictionary<string, (PostgresEventRows Event, OutgoingRecord Record)> Items { get; } = new(StringComparer.Ordinal);
    }
}
