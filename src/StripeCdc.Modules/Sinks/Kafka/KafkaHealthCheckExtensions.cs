using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace StripeCdc.Sinks.Kafka;

public static class KafkaHealthCheckExtensions
{
    /// <summary>Adds the <c>kafka</c> health check (tag <c>ready</c>): a metadata request with the shared client settings.</summary>
    public static TBuilder AddKafkaHealthCheck<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.TryAddSingleton<KafkaClientConfigs>();
        builder.Services.AddSingleton<KafkaHealthCheck>();
        builder.Services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka", tags: ["ready"]);
        return builder;
    }
}
