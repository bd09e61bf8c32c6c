using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace StripeCdc.Sinks.Postgres;

/// <summary>Healthy when the database answers <c>SELECT 1</c>.</summary>
internal sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("Postgres answers.");
        }
        catch (NpgsqlException ex)
        {
            return HealthCheckResult.Unhealthy($"Postgres is not reachable: {ex.Message}");
        }
    }
}
