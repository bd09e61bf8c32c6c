using Microsoft.Extensions.Options;
using Npgsql;
using StripeCdc.Ledger;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// The dedupe ledger as the <c>event_ledger</c> table. The sink writes an event's row in the same
/// transaction as its records (<see cref="IEventLedger.CommitsWithRecords"/>), so an id is committed
/// exactly when its rows are; only events that produce no record (skipped on purpose) are marked here.
/// Rows are kept for <see cref="PostgresSinkOptions.LedgerRetention"/> across restarts and replicas.
/// </summary>
internal sealed class PostgresEventLedger(NpgsqlDataSource dataSource, PostgresSchema schema, IOptions<PostgresSinkOptions> options) : IEventLedger
{
    private readonly TimeSpan _retention = options.Value.LedgerRetention;

    public bool CommitsWithRecords => true;

    public async ValueTask<bool> IsCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT EXISTS (SELECT FROM {schema.Ledger} WHERE source = $1 AND event_id = $2 AND committed_at > now() - $3)");
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        command.Parameters.Add(new NpgsqlParameter { Value = _retention });
        try
        {
            return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (NpgsqlException ex)
        {
            throw new SinkException($"The event ledger could not be read: {ex.Message}", isPermanent: false, ex);
        }
    }

    public async ValueTask MarkCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO {schema.Ledger} (source, event_id, committed_at) VALUES ($1, $2, now()) ON CONFLICT (source, event_id) DO UPDATE SET committed_at = now()");
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
