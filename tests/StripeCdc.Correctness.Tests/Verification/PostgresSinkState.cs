using System.Text.Json.Nodes;
using Npgsql;
using StripeCdc.Correctness.Tests.Deployment;

namespace StripeCdc.Correctness.Tests.Verification;

/// <summary>The Postgres sink's state tables (SPEC §10), read as a SQL user would, each row under its <c>account</c> (SPEC §12).</summary>
internal static class PostgresSinkState
{
    public static async Task<(Dictionary<ObjectKey, ObservedObject> Objects, List<Mismatch> Orphans, int Revalidated)> ReadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var children = new Dictionary<(string Account, string Parent), Dictionary<string, (JsonObject Data, bool Truncated)>>();
        foreach (var table in SinkDeployment.ChildTables)
        {
            await foreach (var row in RowsAsync(connection, $"SELECT account, parent_id, id, data::text FROM stripe.{table}"))
            {
                var (data, truncated) = ConnectorFields.Strip(JsonNode.Parse(row.GetString(3))!.AsObject());
                var parent = (row.GetString(0), row.GetString(1));
                if (!children.TryGetValue(parent, out var set))
                {
                    children[parent] = set = new(StringComparer.Ordinal);
                }

                set[row.GetString(2)] = (data, truncated);
            }
        }

        var objects = new Dictionary<ObjectKey, ObservedObject>();
        var revalidated = 0;
        foreach (var table in SinkDeployment.ParentTables)
        {
            await foreach (var row in RowsAsync(connection, $"SELECT account, id, data::text, deleted, event_id FROM stripe.{table}"))
            {
                var key = new ObjectKey(row.GetString(0), table, row.GetString(1));
                var (data, _) = ConnectorFields.Strip(JsonNode.Parse(row.GetString(2))!.AsObject());
                children.Remove((key.Account, key.Id), out var set);
                revalidated += row.GetString(4).StartsWith("revalidated:", StringComparison.Ordinal) ? 1 : 0;
                objects[key] = new ObservedObject(
                    key,
                    row.GetBoolean(3),
                    data,
                    set?.ToDictionary(c => c.Key, c => c.Value.Data, StringComparer.Ordinal) ?? [],
                    set?.Values.Any(c => c.Truncated) == true);
            }
        }

        var orphans = children.SelectMany(p => p.Value.Keys.Select(id => new Mismatch(MismatchKind.Extra, new ObjectKey(p.Key.Account, "children", id), $"child of {p.Key.Parent}, which has no row"))).ToList();
        return (objects, orphans, revalidated);
    }

    private static async IAsyncEnumerable<NpgsqlDataReader> RowsAsync(NpgsqlConnection connection, string sql)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection) { Parameters = { new() { Value = sql.Split(' ').First(w => w.StartsWith("stripe.", StringComparison.Ordinal)) } } };
        if (!(bool)(await exists.ExecuteScalarAsync())!)
        {
            yield break;
        }

        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            yield return reader;
        }
    }
}
