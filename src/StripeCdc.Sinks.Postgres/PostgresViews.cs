using Npgsql;
using static StripeCdc.Sinks.Postgres.PostgresIdentifiers;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// The views users query (<c>stripe.customer</c> over <c>stripe_raw.customer</c>): the row columns, then one
/// typed column per model field (SPEC §10, typed columns). A view costs nothing when rows are written, and
/// a field Stripe.net adds later reads every row already stored. Column names are the Stripe field names;
/// the definition quotes them, so one that is an SQL reserved word (<c>default</c>) still works (a query
/// then quotes it too).
/// </summary>
internal static class PostgresViews
{
    /// <summary>The columns (name and <c>format_type</c>) of every view in the schema, in order, by view name.</summary>
    public static async Task<Dictionary<string, List<(string Name, string Type)>>> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind = 'v' AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY c.relname, a.attnum
            """,
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
        var views = new Dictionary<string, List<(string Name, string Type)>>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            if (!views.TryGetValue(name, out var columns))
            {
                views[name] = columns = [];
            }

            columns.Add((reader.GetString(1), reader.GetString(2)));
        }

        return views;
    }

    /// <summary>
    /// The statements that make <paramref name="view"/> select <paramref name="rows"/> and
    /// <paramref name="typed"/> from <paramref name="table"/>. The columns the view already has keep their
    /// places and new ones are added at its end (<c>CREATE OR REPLACE VIEW</c>), so a new field needs no
    /// drop. Only when a column goes away or changes type is the view dropped and made again.
    /// </summary>
    public static IEnumerable<string> Ddl(string view, string table, IReadOnlyList<RowColumn> rows, IReadOnlyList<TypedColumn> typed, IReadOnlyList<(string Name, string Type)> existing)
    {
        var wanted = new Dictionary<string, (string Type, string Expression)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var row in rows)
        {
            wanted[row.Name] = (string.Empty, "t." + Quote(row.Name));
            order.Add(row.Name);
        }

        foreach (var column in typed)
        {
            if (wanted.TryAdd(column.Name, (column.SqlType, column.Expression("t.data"))))
            {
                order.Add(column.Name);
            }
        }

        // A row column's type is the table's; only a typed column's type can change under the view.
        var keeps = existing.All(c => wanted.TryGetValue(c.Name, out var w) && (w.Type.Length == 0 || w.Type == c.Type));
        if (keeps)
        {
            var kept = existing.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            order = [.. existing.Select(c => c.Name), .. order.Where(name => !kept.Contains(name))];
        }
        else
        {
            yield return $"DROP VIEW IF EXISTS {view}";
        }

        yield return $"CREATE OR REPLACE VIEW {view} AS SELECT {string.Join(", ", order.Select(name => $"{wanted[name].Expression} AS {Quote(name)}"))} FROM {table} AS t";
    }
}
