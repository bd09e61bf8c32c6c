using Microsoft.Extensions.DependencyInjection.Extensions;
using StripeCdc.Configuration;
using StripeCdc.Pipeline;
using Microsoft.Extensions.Options;
using StripeCdc.Sinks;
using StripeCdc.Sinks.Kafka;
using StripeCdc.Sinks.Postgres;
using StripeCdc.Snapshot.Checkpoints;
using StripeCdc.Snapshot.Reconciliation;
using StripeCdc.Snapshot.Snapshots;
using StripeCdc.Snapshot.Webhooks;
using StripeCdc.StripeApi;

namespace StripeCdc.Snapshot.Hosting;

internal static class SnapshotServiceCollectionExtensions
{
    /// <summary>
    /// The snapshot worker: the record pipeline with the sink <c>StripeCdc:Sink</c> names, the Stripe API clients and their
    /// budgets, snapshot, reconciliation, fan-out completion, thin-event hydration and webhook registration.
    /// An <see cref="Ledger.IEventLedger"/> must be registered for reconciliation.
    /// </summary>
    public static IServiceCollection AddSnapshotWorker(this IServiceCollection services, IConfiguration configuration, bool withKafkaSink = true)
    {
        services.AddStripeCdcPipeline(configuration);
        if (withKafkaSink)
        {
            services.AddStripeCdcSink(configuration);
        }

        services.AddOptions<SnapshotOptions>()
            .Bind(configuration.GetSection(SnapshotOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddStripeApi(configuration);
        services.AddOptions<ReconciliationOptions>()
            .Bind(configuration.GetSection(ReconciliationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<FileCheckpointStore>();
        services.TryAddSingleton<KafkaCheckpointStore>();
        services.TryAddSingleton<KafkaClientConfigs>();
        services.TryAddSingleton<KafkaProducerConnection>();
        services.AddOptions<KafkaSinkOptions>()
            .Configure(o => o.BootstrapServers ??= configuration.GetConnectionString(KafkaSinkOptions.ConnectionStringName));
        services.TryAddSingleton<ICheckpointStore>(sp =>
            sp.GetRequiredService<IOptions<SnapshotOptions>>().Value.CheckpointStore switch
            {
                CheckpointStoreKind.Kafka => sp.GetRequiredService<KafkaCheckpointStore>(),
                CheckpointStoreKind.File => sp.GetRequiredService<FileCheckpointStore>(),
                _ when !string.IsNullOrWhiteSpace(configuration.GetConnectionString(KafkaSinkOptions.ConnectionStringName)) => sp.GetRequiredService<KafkaCheckpointStore>(),
                _ => sp.GetRequiredService<FileCheckpointStore>(),
            });
        services.TryAddSingleton<SnapshotEmitter>();
        services.TryAddSingleton<Progress.SnapshotRateMetrics>();
        services.TryAddSingleton<SnapshotRunner>();
        services.TryAddSingleton<Reconciler>();
        services.TryAddSingleton<JobRegistry>();
        services.TryAddSingleton(_ => new SigningSecretStore(
            configuration["StripeCdc:SecretsFile"] is { Length: > 0 } path ? Path.GetFullPath(path) : SecretsFileConfigurationExtensions.DefaultPath));
        services.TryAddSingleton<WebhookRegistrar>();
        return services;
    }

    /// <summary>
    /// The snapshot resources a source selects — by name, or because their live events land in a selected
    /// topic (under <c>Routing=EventType</c> a selected <c>customer</c> takes subscriptions along) — or all
    /// of them when it selects none that can be snapshotted.
    /// </summary>
    public static IReadOnlyList<string> DefaultResources(SourceSettings source)
    {
        var resources = source.Options.Resources;
        var selected = SnapshotResource.All
            .Where(r => resources.Contains(r.Name, StringComparer.Ordinal) || resources.Contains(r.RoutedResource(source.Options.Routing), StringComparer.Ordinal))
            .Select(r => r.Name)
            .ToList();
        return selected.Count > 0 ? selected : [.. SnapshotResource.All.Select(r => r.Name)];
    }
}
