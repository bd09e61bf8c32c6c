using Microsoft.Extensions.DependencyInjection.Extensions;
using StripeCdc.Configuration;
using StripeCdc.Pipeline;
using StripeCdc.Sinks;
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
        services.TryAddSingleton<ICheckpointStore, FileCheckpointStore>();
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

    /// <summary>The snapshot resources a source selects, or all of them when it selects none that can be snapshotted.</summary>
    public static IReadOnlyList<string> DefaultResources(SourceSettings source)
    {
        var selected = SnapshotResource.All.Where(r => source.Options.Resources.Contains(r.Name, StringComparer.Ordinal)).Select(r => r.Name).ToList();
        return selected.Count > 0 ? selected : [.. SnapshotResource.All.Select(r => r.Name)];
    }
}
