using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StripeCdc.Replay;
using StripeCdc.Sinks.JsonLines;
using StripeCdc.Sinks.Kafka;

namespace StripeCdc.Sinks;

public static class SinkServiceCollectionExtensions
{
    /// <summary>
    /// Registers the sink <c>StripeCdc:Sink</c> names (<c>Kafka</c> by default, <c>Postgres</c>,
    /// <c>JsonLines</c>): its record sink, its DLQ and the DLQ replay. An unknown name fails start-up.
    /// </summary>
    public static IServiceCollection AddStripeCdcSink(this IServiceCollection services, IConfiguration configuration)
    {
        var selected = SinkCatalog.Selected(configuration);
        services.AddOptions<SinkOptions>()
            .Configure(o => o.Sink = configuration[SinkOptions.Key] is { Length: > 0 } name ? name : SinkCatalog.Kafka)
            .Validate(
                o => SinkCatalog.Selected(configuration) is not null,
                $"{SinkOptions.Key} must be one of {string.Join(", ", SinkCatalog.Names)}.")
            .ValidateOnStart();
        SinkCatalog.Find(selected)?.AddSink(services, configuration);
        services.TryAddSingleton<DeadLetterReplayer>();
        return services;
    }

    /// <summary>Registers the dedupe ledger of the sink <c>StripeCdc:Sink</c> names (none for <c>JsonLines</c>).</summary>
    public static IServiceCollection AddStripeCdcEventLedger(this IServiceCollection services, IConfiguration configuration)
    {
        SinkCatalog.Find(SinkCatalog.Selected(configuration))?.AddLedger?.Invoke(services, configuration);
        return services;
    }

    /// <summary>Registers the Kafka sink, reading <c>ConnectionStrings:kafka</c> and <c>StripeCdc:Kafka:Producer</c>.</summary>
    public static IServiceCollection AddKafkaSink(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KafkaSinkOptions>()
            .Configure(options =>
            {
                // The producer role's own settings; KafkaClientConfigs layers Aspire's and the shared section below them.
                configuration.GetSection(KafkaSinkOptions.SectionName).Bind(options);
                options.BootstrapServers = configuration.GetConnectionString(KafkaSinkOptions.ConnectionStringName) ?? options.BootstrapServers;
                options.Tombstones = configuration.GetValue(KafkaSinkOptions.TombstonesKey, options.Tombstones);
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.BootstrapServers), "ConnectionStrings:kafka must name the Kafka bootstrap servers (host:port[,host:port]).")
            .ValidateOnStart();
        services.TryAddSingleton<KafkaClientConfigs>();
        services.TryAddSingleton<KafkaProducerConnection>();
        services.RemoveAll<IRecordSink>();
        services.AddSingleton<IRecordSink, KafkaRecordSink>();
        services.TryAddSingleton<IDeadLetterStore, KafkaDeadLetterStore>();
        services.TryAddSingleton<DeadLetterReplayer>();
        return services;
    }

    /// <summary>Registers the JSON-lines sink: one file per topic in <c>StripeCdc:Sinks:JsonLines:Folder</c>.</summary>
    public static IServiceCollection AddJsonLinesSink(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JsonLinesSinkOptions>().Bind(configuration.GetSection(JsonLinesSinkOptions.SectionName));
        services.RemoveAll<IRecordSink>();
        services.AddSingleton<IRecordSink, JsonLinesRecordSink>();
        return services;
    }
}
