using System.Runtime.CompilerServices;
using System.Text;
using Npgsql;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// What a state table holds, for <c>snapshot --prune</c>: its rows that are not deleted, with the object type
/// from <c>data</c> and the later of <c>event_created</c> and <c>synced_at</c> as the last change. A topic
/// without a table holds nothing. Only the rows of the account asked for are held: <c>account = ''</c> for the
/// platform's own, <c>account = 'acct_…'</c> for a connected account's, whose listing (with its <c>Stripe-Account</c>)
/// says nothing about another account's rows.
/// </summary>
internal sealed class PostgresSinkInventory(NpgsqlDataSource dataSource, PostgresSchema schema) : ISinkInventory
{
    public async IAsyncEnumerable<HeldObject> ReadAsync(string topic, string? account, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await ExistsAsync(connection, topic, cancellationToken))
        {
            yield break;
        }

        await using var command = new NpgsqlCommand(
            $"SELECT id, data->>'object', greatest(event_created, synced_at) FROM {schema.Table(topic)} WHERE NOT deleted AND account = $1",
            connection);
        command.Parameters.Add(new NpgsqlParameter { Value = AccountColumn(account) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return new HeldObject(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero),
                Account: account);
        }
    }

    public async ValueTask<ReadOnlyMemory<byte>?> ReadValueAsync(string topic, HeldObject held, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT data::text FROM {schema.Table(topic)} WHERE account = $1 AND id = $2 AND NOT deleted", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = AccountColumn(held.Account) });
        command.Parameters.Add(new NpgsqlParameter { Value = held.Id });
        return await command.ExecuteScalarAsync(cancellationToken) is string data ? Encoding.UTF8.GetBytes(data) : null;
    }

    /// <summary>The <c>account</c> column's value: <c>''</c> for the platform's own objects.</summary>
    private static string AccountColumn(string? account) => account ?? "";

    private async Task<bool> ExistsAsync(NpgsqlConnection connection, string topic, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = schema.Table(topic) });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }
}
