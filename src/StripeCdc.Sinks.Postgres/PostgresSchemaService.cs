using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// Migrates the schema when the service starts (it fails to start when the database cannot be reached)
/// and drops ledger rows older than the retention once an hour.
/// </summary>
internal sealed partial class PostgresSchemaService(
    PostgresSchema schema,
    NpgsqlDataSource dataSource,
    IOptions<PostgresSinkOptions> options,
    ILogger<PostgresSchemaService> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await schema.MigrateAsync(cancellationToken);
        LogMigrated(schema.Name);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        do
        {
            try
            {
                await using var command = dataSource.CreateCommand($"DELETE FROM {schema.Ledger} WHERE committed_at < now() - $1");
                command.Parameters.Add(new NpgsqlParameter { Value = options.Value.LedgerRetention });
                var removed = await command.ExecuteNonQueryAsync(stoppingToken);
                LogPurged(removed);
            }
            catch (NpgsqlException ex)
            {
                LogPurgeFailed(ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Postgres sink: schema '{Schema}' is up to date.")]
    private partial void LogMigrated(string schema);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Postgres sink: removed {Count} ledger rows past the retention.")]
    private partial void LogPurged(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Postgres sink: purging old ledger rows failed: {Reason}")]
    private partial void LogPurgeFailed(string reason);
}
