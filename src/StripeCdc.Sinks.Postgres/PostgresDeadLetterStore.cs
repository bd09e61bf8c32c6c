using Npgsql;
using StripeCdc.Configuration;
using StripeCdc.Replay;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// The DLQ table: rows of the source not yet replayed, up to the last row that existed when the replay
/// began, in order; each is stamped <c>replayed_at</c> once it went through the pipeline again.
/// </summary>
internal sealed class PostgresDeadLetterStore(NpgsqlDataSource dataSource, PostgresSchema schema) : IDeadLetterStore
{
    public async Task<int> ReadAsync(SourceSettings source, Func<DeadLetterEntry, CancellationToken, Task> replay, CancellationToken cancellationToken)
    {
        var table = schema.Visible(source.DeadLetterTopic);
        await schema.EnsureAsync(new Dictionary<string, PostgresTableKind> { [source.DeadLetterTopic] = PostgresTableKind.DeadLetter }, cancellationToken);
        long end;
        await using (var last = dataSource.CreateCommand($"SELECT coalesce(max(id), 0) FROM {table}"))
        {
            end = (long)(await last.ExecuteScalarAsync(cancellationToken))!;
        }

        var rows = new List<(long Id, byte[] Body, string? Signature)>();
        await using (var select = dataSource.CreateCommand(
            $"SELECT id, body, stripe_signature FROM {table} WHERE source = $1 AND replayed_at IS NULL AND id <= $2 ORDER BY id"))
        {
            select.Parameters.Add(new NpgsqlParameter { Value = source.Name });
            select.Parameters.Add(new NpgsqlParameter { Value = end });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }

        var replayed = 0;
        foreach (var (id, body, signature) in rows)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            await replay(new DeadLetterEntry(body, signature), cancellationToken);
            await using var mark = dataSource.CreateCommand($"UPDATE {table} SET replayed_at = now() WHERE id = $1");
            mark.Parameters.Add(new NpgsqlParameter { Value = id });
            await mark.ExecuteNonQueryAsync(cancellationToken);
            replayed++;
        }

        return replayed;
    }
}
