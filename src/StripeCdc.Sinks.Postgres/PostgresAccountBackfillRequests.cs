using Npgsql;
using StripeCdc.Connect;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// Backfill requests of new connected accounts in the raw schema's <c>connect_account</c> table: one row per
/// source and account (a second request does nothing), numbered in the order they arrived so the worker reads
/// on from the last it saw. The table is made with the schema, at start.
/// </summary>
internal sealed class PostgresAccountBackfillRequests(NpgsqlDataSource dataSource, PostgresSchema schema) : IAccountBackfillRequests
{
    public async ValueTask RequestAsync(AccountBackfillRequest request, CancellationToken cancellationToken)
    {
        await schema.EnsureAsync(new Dictionary<string, PostgresTableKind>(), cancellationToken);
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO {schema.ConnectAccounts} (source, account, first_seen) VALUES ($1, $2, $3) ON CONFLICT (source, account) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = request.Source });
        command.Parameters.Add(new NpgsqlParameter { Value = request.Account });
        command.Parameters.Add(new NpgsqlParameter { Value = request.FirstSeen });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask<IReadOnlyList<AccountBackfillRequest>> ReadAsync(long position, CancellationToken cancellationToken)
    {
        await schema.EnsureAsync(new Dictionary<string, PostgresTableKind>(), cancellationToken);
        await using var command = dataSource.CreateCommand(
            $"SELECT source, account, first_seen, position FROM {schema.ConnectAccounts} WHERE position > $1 ORDER BY position");
        command.Parameters.Add(new NpgsqlParameter { Value = position });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var requests = new List<AccountBackfillRequest>();
        while (await reader.ReadAsync(cancellationToken))
        {
            requests.Add(new AccountBackfillRequest(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetFieldValue<DateTimeOffset>(2),
                reader.GetInt64(3)));
        }

        return requests;
    }
}
