using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace StripeCdc.Sinks.Kafka;

public static class KafkaClientsHealthCheckExtensions
{
    /// <summary>
    /// Adds the <c>kafka</c> health check (tag <c>ready</c>): a metadata request with the services' shared
    /// client settings (<see cref="KafkaClientConfigs"/>), so it works against a secured cluster. ServiceDefaults'
    /// plain <c>AddKafkaHealthCheck</c> remains for processes without those settings (the local Kafka host).
    /// </summary>
    public static TBuilder AddStripeCdcKafkaHealthCheck<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.TryAddSingleton<KafkaClientConfigs>();
        builder.Services.AddSingleton<KafkaClientsHealthCheck>();
        builder.Services.AddHealthChecks().AddCheck<KafkaClientsHealthCheck>("kafka", tags: ["ready"]);
        return builder;
    }
}
