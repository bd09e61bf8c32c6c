using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using StripeCdc.Checkpoints;
using StripeCdc.Flags;

namespace StripeCdc.Sinks.Kafka;

public static class KafkaHostingExtensions
{
    /// <summary>
    /// Adds the Kafka integration, the one place a service gets Kafka from: the shared producer and client
    /// settings, the <c>Kafka</c> sink (record sink, DLQ and dedupe ledger, used when <c>StripeCdc:Sink</c>
    /// selects it), the <c>kafka</c> health check and the producer telemetry. With <c>ConnectionStrings:kafka</c>
    /// set, module switches (<see cref="ModuleFlagsHostingExtensions.AddSharedModuleFlags"/>) and snapshot
    /// checkpoints live on the cluster too, whichever sink is selected. Settings: <see cref="StripeCdcKafkaSettings"/>.
    /// </summary>
    public static IHostApplicationBuilder AddStripeCdcKafka(this IHostApplicationBuilder builder, Action<StripeCdcKafkaSettings>? configureSettings = null)
    {
        builder.Services.AddStripeCdcKafka(builder.Configuration, configureSettings);
        return builder;
    }

    /// <summary>
    /// <see cref="AddStripeCdcKafka(IHostApplicationBuilder, Action{StripeCdcKafkaSettings})"/> for hosts and tests
    /// that hold only a service collection. A second call only applies <paramref name="configureSettings"/>.
    /// </summary>
    internal static IServiceCollection AddStripeCdcKafka(this IServiceCollection services, IConfiguration configuration, Action<StripeCdcKafkaSettings>? configureSettings = null)
    {
        if (services.Any(d => d.ServiceType == typeof(KafkaSinkDefinition)))
        {
            services.AddKafkaClients(configuration, configureSettings);
            return services;
        }

        var settings = services.AddKafkaClients(configuration, configureSettings);
        var definition = new KafkaSinkDefinition();
        services.AddSingleton(definition);
        services.AddSinkDefinition(definition);
        if (!settings.DisableHealthChecks)
        {
            services.AddSingleton<KafkaHealthCheck>();
            services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka", tags: ["ready"]);
        }

        if (!settings.IsConfigured)
        {
            return services;
        }

        // Module switches: replaces the process-local store; read before the service takes traffic when
        // the service shares its switches (AddSharedModuleFlags), then tailed.
        // Built by a factory: a process without shared switches has no ModuleFlagOverrides to give it.
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<KafkaModuleFlagStore>(sp));
        services.Replace(ServiceDescriptor.Singleton<IModuleFlagStore>(sp => sp.GetRequiredService<KafkaModuleFlagStore>()));
        services.AddSingleton<IHostedService>(sp => sp.GetService<ModuleFlagOverrides>() is null
            ? new IdleService()
            : sp.GetRequiredService<KafkaModuleFlagStore>());

        // Snapshot checkpoints and reconciliation positions (one topic), for a worker that asks for them (StripeCdc:Snapshot:CheckpointStore).
        services.AddOptions<KafkaCheckpointOptions>();
        services.TryAddSingleton<KafkaCheckpointStore>();
        services.TryAddKeyedSingleton<ICheckpointStore>(KafkaCheckpointOptions.ServiceKey, (sp, _) => sp.GetRequiredService<KafkaCheckpointStore>());
        services.TryAddKeyedSingleton<IReconciliationPositionStore>(KafkaCheckpointOptions.ServiceKey, (sp, _) => sp.GetRequiredService<KafkaCheckpointStore>());
        return services;
    }

    /// <summary>
    /// The settings and clients every Kafka piece shares, registered once: <see cref="StripeCdcKafkaSettings"/>
    /// (the only reader of <c>ConnectionStrings:kafka</c>), <see cref="KafkaClientConfigs"/>, the producer
    /// connection and the telemetry. Later calls return the registered settings.
    /// </summary>
    internal static StripeCdcKafkaSettings AddKafkaClients(this IServiceCollection services, IConfiguration configuration, Action<StripeCdcKafkaSettings>? configureSettings = null)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(StripeCdcKafkaSettings))?.ImplementationInstance is StripeCdcKafkaSettings registered)
        {
            configureSettings?.Invoke(registered);
            return registered;
        }

        var settings = new StripeCdcKafkaSettings();
        configuration.GetSection(StripeCdcKafkaSettings.SectionName).Bind(settings);
        if (configuration.GetConnectionString(StripeCdcKafkaSettings.ConnectionStringName) is { Length: > 0 } connectionString)
        {
            settings.ConnectionString = connectionString;
        }

        configureSettings?.Invoke(settings);
        services.AddSingleton(settings);
        services.AddOptions<KafkaSinkOptions>().Configure(o => o.BootstrapServers ??= settings.ConnectionString);
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<KafkaClientConfigs>();
        services.TryAddSingleton<KafkaProducerConnection>();
        services.TryAddSingleton<KafkaTelemetry>();
        services.TryAddSingleton<KafkaTopicCreator>();
        return settings;
    }

    /// <summary>Stands in for the module-switch store in a process that does not share switches.</summary>
    private sealed class IdleService : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
