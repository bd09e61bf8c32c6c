using System.Text.Json.Nodes;
using Npgsql;
using StripeCdc.Correctness.Tests.Deployment;

namespace StripeCdc.Correctness.Tests.Verification;

/// <summary>The Postgres sink's state tables (SPEC §10), read as a SQL user would.</summary>
internal static class PostgresSinkState
{
    public static async Task<(Dictionary<(string Table, string Id), ObservedObject> Objects, List<Mismatch> Orphans, int Revalidated)> ReadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var children = new Dictionary<string, Dictionary<string, (JsonObject Data, bool Truncated)>>(StringComparer.Ordinal);
        foreach (var table in SinkDeployment.ChildTables)
        {
            await foreach (var row in RowsAsync(connection, $"SELECT parent_id, id, data::text FROM stripe.{table}"))
            {
                var (data, truncated) = ConnectorFields.Strip(JsonNode.Parse(row.GetString(2))!.AsObject());
                if (!children.TryGetValue(row.GetString(0), out var set))
                {
                    children[row.GetString(0)] = set = new(StringComparer.Ordinal);
                }

                set[row.GetString(1)] = (data, truncated);
            }
        }

        var objects = new Dictionary<(string, string), ObservedObject>();
        var revalidated = 0;
        foreach (var table in SinkDeployment.ParentTables)
        {
            await foreach (var row in RowsAsync(connection, $"SELECT id, data::text, deleted, event_id FROM stripe.{table}"))
            {
                var id = row.GetString(0);
                var (data, _) = ConnectorFields.Strip(JsonNode.Parse(row.GetString(1))!.AsObject());
                children.Remove(id, out var set);
                revalidated += row.GetString(3).StartsWith("revalidated:", StringComparison.Ordinal) ? 1 : 0;
                objects[(table, id)] = new ObservedObject(
                    table,
                    id,
                    row.GetBoolean(2),
                    data,
                    set?.ToDictionary(c => c.Key, c => c.Value.Data, StringComparer.Ordinal) ?? [],
                    set?.Values.Any(c => c.Truncated) == true);
            }
        }

        var orphans = children.SelectMany(p => p.Value.Keys.Select(id => new Mismatch(MismatchKind.Extra, "children", id, $"child of {p.Key}, which has no row"))).ToList();
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
