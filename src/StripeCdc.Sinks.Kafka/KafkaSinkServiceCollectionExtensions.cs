using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using StripeCdc.Connect;
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
        services.AddKafkaAccountBackfillRequests(configuration);
        services.TryAddSingleton<DeadLetterReplayer>();
        return services;
    }

    /// <summary>The backfill requests of new connected accounts (<c>StripeCdc:ConnectAccounts</c>), read at start when a source asks for them.</summary>
    private static void AddKafkaAccountBackfillRequests(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KafkaAccountRequestOptions>()
            .Bind(configuration.GetSection(KafkaAccountRequestOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Topic), $"{KafkaAccountRequestOptions.TopicKey} must not be empty.")
            .Validate(o => o.LoadTimeout > TimeSpan.Zero, $"{KafkaAccountRequestOptions.SectionName}:LoadTimeout must be greater than 0.")
            .ValidateOnStart();
        services.RemoveAll<IAccountBackfillRequests>();
        services.TryAddSingleton<KafkaAccountBackfillRequests>();
        services.AddSingleton<IAccountBackfillRequests>(sp => sp.GetRequiredService<KafkaAccountBackfillRequests>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<KafkaAccountBackfillRequests>());
    }
}
