using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// The integration's one health check (<c>kafka</c>, tag <c>ready</c>): healthy when the brokers answer a metadata
/// request within a short timeout, made with the services' shared client settings so it works against a secured cluster.
/// </summary>
internal sealed class KafkaHealthCheck(KafkaClientConfigs configs) : IHealthCheck, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private readonly Lock _lock = new();
    private IAdminClient? _admin;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var admin = Admin();
            var metadata = await Task.Run(() => admin.GetMetadata(Timeout), cancellationToken);
            return metadata.Brokers.Count > 0
                ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s) reachable.")
                : HealthCheckResult.Unhealthy("Kafka answered without brokers.");
        }
        catch (KafkaException ex)
        {
            return HealthCheckResult.Unhealthy($"Kafka is not reachable: {ex.Error.Reason}");
        }
        catch (InvalidOperationException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }

    public void Dispose() => _admin?.Dispose();

    private IAdminClient Admin()
    {
        lock (_lock)
        {
            return _admin ??= new AdminClientBuilder(configs.Admin("the health check", config =>
                config.SocketTimeoutMs = (int)Timeout.TotalMilliseconds))
                .SetLogHandler((_, _) => { })
                .Build();
        }
    }
}
