using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StripeCdc.AppHost.Kafka;

/// <summary>
/// Healthy once a broker of the cluster answers a metadata request at the address the services use (the resource's
/// connection string). A new admin client each time: nothing stays connected between checks.
/// </summary>
internal sealed class KafkaClusterHealthCheck(IResourceWithConnectionString cluster) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var bootstrap = await cluster.ConnectionStringExpression.GetValueAsync(cancellationToken);
        return await Task.Run(() => Check(bootstrap), cancellationToken);
    }

    private static HealthCheckResult Check(string? bootstrap)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap })
            .SetLogHandler((_, _) => { })
            .Build();
        try
        {
            var brokers = admin.GetMetadata(Timeout).Brokers.Count;
            return brokers > 0
                ? HealthCheckResult.Healthy($"{brokers} brokers answer at {bootstrap}.")
                : HealthCheckResult.Unhealthy($"Kafka at {bootstrap} names no broker.");
        }
        catch (KafkaException ex)
        {
            return HealthCheckResult.Unhealthy($"Kafka at {bootstrap} does not answer: {ex.Error.Reason}");
        }
    }
}
