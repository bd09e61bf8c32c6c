using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StripeCdc.Replay;

namespace StripeCdc.Sinks.Kafka;

public static class KafkaSinkServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Kafka record sink and its DLQ store (<c>StripeCdc:Kafka:Producer</c>, <c>StripeCdc:Kafka:Tombstones</c>)
    /// on the integration's shared producer. Services select it with <c>StripeCdc:Sink=Kafka</c> (<see cref="KafkaHostingExtensions.AddStripeCdcKafka"/>).
    /// </summary>
    public static IServiceCollection AddKafkaSink(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = services.AddKafkaClients(configuration);
        services.AddOptions<KafkaSinkOptions>()
            .Configure(options =>
            {
                // The producer role's own settings; KafkaClientConfigs layers Aspire's and the shared section below them.
                configuration.GetSection(KafkaSinkOptions.SectionName).Bind(options);
                options.BootstrapServers = settings.ConnectionString ?? options.BootstrapServers;
                options.Tombstones = configuration.GetValue(KafkaSinkOptions.TombstonesKey, options.Tombstones);
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.BootstrapServers), "ConnectionStrings:kafka must name the Kafka bootstrap servers (host:port[,host:port]).")
            .ValidateOnStart();
        services.RemoveAll<IRecordSink>();
        services.AddSingleton<IRecordSink, KafkaRecordSink>();
        services.RemoveAll<ISinkInventory>();
        services.AddSingleton<ISinkInventory, KafkaSinkInventory>();
        services.TryAddSingleton<IDeadLetterStore, KafkaDeadLetterStore>();
        services.TryAddSingleton<DeadLetterReplayer>();
        return services;
    }
}
