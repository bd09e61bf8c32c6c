using Microsoft.Extensions.DependencyInjection.Extensions;
using StripeCdc.Checkpoints;
using StripeCdc.Configuration;
using StripeCdc.Pipeline;
using Microsoft.Extensions.Options;
using StripeCdc.Sinks;
using StripeCdc.Sinks.JsonLines;
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
        // Kafka keeps module switches and checkpoints whichever sink is selected; its health check is the Kafka sink's.
        services.AddStripeCdcKafka(configuration, settings => settings.DisableHealthChecks |= !SinkCatalog.IsSelected(configuration, KafkaSinkDefinition.SinkName));
        services.AddSinkDefinition(new PostgresSinkDefinition()).AddSinkDefinition(new JsonLinesSinkDefinition());
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
        services.AddOptions<KafkaCheckpointOptions>().Configure<IOptions<SnapshotOptions>>((kafka, snapshot) =>
        {
            kafka.Topic = snapshot.Value.CheckpointTopic;
            kafka.Lease = snapshot.Value.CheckpointLease;
        });

        // The Kafka integration registers its store when ConnectionStrings:kafka is set; reconciliation positions live
        // wherever the checkpoints do.
        services.TryAddSingleton<FileReconciliationPositionStore>();
        services.TryAddSingleton(sp => SelectStore<ICheckpointStore>(sp, sp.GetRequiredService<FileCheckpointStore>));
        services.TryAddSingleton(sp => SelectStore<IReconciliationPositionStore>(sp, sp.GetRequiredService<FileReconciliationPositionStore>));
        services.TryAddSingleton<SnapshotEmitter>();
        services.TryAddSingleton<SnapshotPruner>();
        services.TryAddSingleton<Progress.SnapshotRateMetrics>();
        services.TryAddSingleton<SnapshotRunner>();
        services.TryAddSingleton<Reconciler>();
        services.TryAddSingleton<AccountReconciliationPositions>();
        services.TryAddSingleton<JobRegistry>();
        services.TryAddSingleton(_ => new SigningSecretStore(
            configuration["StripeCdc:SecretsFile"] is { Length: > 0 } path ? Path.GetFullPath(path) : SecretsFileConfigurationExtensions.DefaultPath));
        services.TryAddSingleton<WebhookRegistrar>();
        return services;
    }

    /// <summary>The Kafka or the File store, as <c>StripeCdc:Snapshot:CheckpointStore</c> says (Auto: Kafka when it is configured).</summary>
    private static T SelectStore<T>(IServiceProvider services, Func<T> file)
        where T : class =>
        services.GetRequiredService<IOptions<SnapshotOptions>>().Value.CheckpointStore switch
        {
            CheckpointStoreKind.Kafka => services.GetKeyedService<T>(KafkaCheckpointOptions.ServiceKey)
                ?? throw new InvalidOperationException("StripeCdc:Snapshot:CheckpointStore=Kafka needs ConnectionStrings:kafka (ConnectionStrings__kafka) set to host:port[,host:port]."),
            CheckpointStoreKind.File => file(),
            _ => services.GetKeyedService<T>(KafkaCheckpointOptions.ServiceKey) ?? file(),
        };

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
