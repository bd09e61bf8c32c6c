using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StripeCdc.Pipeline;
using StripeCdc.Replay;

namespace StripeCdc.Sinks;

public static class SinkServiceCollectionExtensions
{
    /// <summary>Makes a sink selectable by its name in <c>StripeCdc:Sink</c>. Call it before <see cref="AddStripeCdcSink"/>.</summary>
    public static IServiceCollection AddSinkDefinition(this IServiceCollection services, ISinkDefinition definition)
    {
        SinkCatalog.Of(services).Add(definition);
        return services;
    }

    /// <summary>
    /// Registers the sink <c>StripeCdc:Sink</c> names (<see cref="SinkCatalog.DefaultSink"/> by default) among those
    /// added with <see cref="AddSinkDefinition"/> or found in <c>StripeCdc:ModuleAssemblies</c>: its record sink,
    /// its DLQ and the DLQ replay. An unknown name fails start-up, naming the choices.
    /// </summary>
    public static IServiceCollection AddStripeCdcSink(this IServiceCollection services, IConfiguration configuration)
    {
        var catalog = Catalog(services, configuration);
        var selected = catalog.Find(SinkCatalog.Selected(configuration));
        services.AddOptions<SinkOptions>()
            .Configure(o => o.Sink = SinkCatalog.Selected(configuration))
            .Validate(
                _ => selected is not null,
                $"{SinkOptions.Key} must be one of {string.Join(", ", catalog.Names)}.")
            .ValidateOnStart();
        selected?.AddSink(services, configuration);
        services.TryAddSingleton<DeadLetterReplayer>();
        return services;
    }

    /// <summary>Registers the dedupe ledger of the sink <c>StripeCdc:Sink</c> names (none for a sink without one).</summary>
    public static IServiceCollection AddStripeCdcEventLedger(this IServiceCollection services, IConfiguration configuration)
    {
        Catalog(services, configuration).Find(SinkCatalog.Selected(configuration))?.AddEventLedger(services, configuration);
        return services;
    }

    private static SinkCatalog Catalog(IServiceCollection services, IConfiguration configuration)
    {
        var catalog = SinkCatalog.Of(services);
        foreach (var assembly in PipelineServiceCollectionExtensions.LoadConfiguredAssemblies(configuration))
        {
            catalog.AddFrom(assembly);
        }

        return catalog;
    }
}
