using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StripeCdc.ServiceDefaults;

/// <summary>Healthy when the brokers of <c>ConnectionStrings:kafka</c> answer a metadata request within a short timeout.</summary>
internal sealed class KafkaHealthCheck(IConfiguration configuration) : IHealthCheck, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private readonly Lock _lock = new();
    private IAdminClient? _admin;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var bootstrap = configuration.GetConnectionString("kafka");
        if (string.IsNullOrWhiteSpace(bootstrap))
        {
            return HealthCheckResult.Unhealthy("ConnectionStrings:kafka is not set.");
        }

        try
        {
            var admin = Admin(bootstrap);
            var metadata = await Task.Run(() => admin.GetMetadata(Timeout), cancellationToken);
            return metadata.Brokers.Count > 0
                ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s) reachable.")
                : HealthCheckResult.Unhealthy("Kafka answered without brokers.");
        }
        catch (KafkaException ex)
        {
            return HealthCheckResult.Unhealthy($"Kafka is not reachable: {ex.Error.Reason}");
        }
    }

    public void Dispose() => _admin?.Dispose();

    private IAdminClient Admin(string bootstrap)
    {
        lock (_lock)
        {
            return _admin ??= new AdminClientBuilder(new AdminClientConfig
            {
                BootstrapServers = bootstrap,
                SocketTimeoutMs = (int)Timeout.TotalMilliseconds,
            })
                .SetLogHandler((_, _) => { })
                .Build();
        }
    }
}
