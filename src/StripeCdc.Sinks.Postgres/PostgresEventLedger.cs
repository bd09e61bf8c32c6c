using Microsoft.Extensions.Options;
using Npgsql;
using StripeCdc.Ledger;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// The dedupe ledger as the <c>event_ledger</c> table. The sink writes an event's row in the same
/// transaction as its records (<see cref="IRecordSink.WritesLedger"/>), so an id is committed exactly
/// when its rows are; only events that produce no record (skipped on purpose) are marked here.
/// Rows are kept for <see cref="PostgresSinkOptions.LedgerRetention"/> across restarts and replicas.
/// </summary>
internal sealed class PostgresEventLedger(NpgsqlDataSource dataSource, PostgresSchema schema, IOptions<PostgresSinkOptions> options) : IEventLedger
{
    private readonly TimeSpan _retention = options.Value.LedgerRetention;

    public ValueTask<bool> IsCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default) =>
        ContainsAsync(source, eventId, cancellationToken);

    public ValueTask MarkCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default) =>
        AddAsync(source, eventId, cancellationToken);

    public ValueTask<bool> IsDeadLetteredAsync(string source, string eventId, CancellationToken cancellationToken = default) =>
        ContainsAsync(source, DeadLetterId(eventId), cancellationToken);

    public ValueTask MarkDeadLetteredAsync(string source, string eventId, CancellationToken cancellationToken = default) =>
        AddAsync(source, DeadLetterId(eventId), cancellationToken);

    /// <summary>
    /// A dead-letter mark's row: beside the commits, under its own <c>event_id</c> so that it is never taken
    /// for a commit (Stripe event ids never contain ':'). Marks written before this member existed used the
    /// same row, so a deployment's table is read as it is.
    /// </summary>
    private static string DeadLetterId(string eventId) => "dlq:" + eventId;

    private async ValueTask<bool> ContainsAsync(string source, string eventId, CancellationToken cancellationToken)
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

    private async ValueTask AddAsync(string source, string eventId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO {schema.Ledger} (source, event_id, committed_at) VALUES ($1, $2, now()) ON CONFLICT (source, event_id) DO UPDATE SET committed_at = now()");
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = eventId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
