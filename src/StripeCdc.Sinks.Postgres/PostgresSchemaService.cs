using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeCdc.Hosting;

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
        try
        {
            await schema.MigrateAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            var server = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
            throw new StartupException(
                $"The Postgres sink cannot reach database '{server.Database}' on {server.Host}:{server.Port} (ConnectionStrings:postgres): {OneLine(ex)}. "
                + "Check that the server runs and the connection string's host, port, user and password.",
                ex);
        }

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

    /// <summary>Npgsql's message, with the socket's reason when there is one ("Connection refused").</summary>
    private static string OneLine(NpgsqlException error) =>
        (error.InnerException is System.Net.Sockets.SocketException socket ? $"{error.Message} ({socket.Message})" : error.Message)
            .ReplaceLineEndings(" ").TrimEnd('.');

    [LoggerMessage(Level = LogLevel.Information, Message = "Postgres sink: schema '{Schema}' is up to date.")]
    private partial void LogMigrated(string schema);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Postgres sink: removed {Count} ledger rows past the retention.")]
    private partial void LogPurged(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Postgres sink: purging old ledger rows failed: {Reason}")]
    private partial void LogPurgeFailed(string reason);
}
