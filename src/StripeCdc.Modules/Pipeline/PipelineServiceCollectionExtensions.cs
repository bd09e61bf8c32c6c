using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;
using StripeCdc.Configuration;
using StripeCdc.Sinks;
using StripeCdc.Telemetry;

namespace StripeCdc.Pipeline;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the record pipeline: sources from <c>StripeCdc</c> (validated at start-up), module
    /// flags from <c>FeatureManagement</c>, and every <see cref="IRecordModule"/> found by Scrutor in
    /// StripeCdc's own assembly, in <paramref name="moduleAssemblies"/> and in the assemblies named by
    /// <c>StripeCdc:ModuleAssemblies</c>. A sink must be registered too (<c>AddStripeCdcSink</c>).
    /// </summary>
    public static IServiceCollection AddStripeCdcPipeline(
        this IServiceCollection services,
        IConfiguration configuration,
        params Assembly[] moduleAssemblies)
    {
        services.TryAddSingleton(configuration);
        services.AddOptions<StripeCdcOptions>()
            .Configure(options => StripeCdcOptionsReader.Read(configuration, options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StripeCdcOptions>, StripeCdcOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StripeCdcOptions>, Connect.AccountBackfillRequestsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddLogging();
        services.TryAddSingleton<PipelineStatistics>();
        services.TryAddSingleton<StripeCdcMetrics>();
        services.TryAddSingleton<SourceCatalog>();
        services.AddFeatureManagement();
        services.TryAddSingleton<ModuleFlags>();
        services.TryAddSingleton(sp => new RecordPipeline(
            sp.GetServices<IRecordModule>(),
            sp.GetRequiredService<IRecordSink>(),
            sp.GetRequiredService<ModuleFlags>(),
            sp.GetRequiredService<ILogger<RecordPipeline>>(),
            sp.GetRequiredService<IConfiguration>()));

        var assemblies = new[] { typeof(RecordPipeline).Assembly }
            .Concat(moduleAssemblies)
            .Concat(LoadConfiguredAssemblies(configuration))
            .Distinct()
            .ToArray();
        services.Scan(scan => scan
            .FromAssemblies(assemblies)
            .AddClasses(classes => classes.AssignableTo<IRecordModule>(), publicOnly: false)
            .As<IRecordModule>()
            .WithSingletonLifetime());
        return services;
    }

    internal static IEnumerable<Assembly> LoadConfiguredAssemblies(IConfiguration configuration)
    {
        var options = new StripeCdcOptions();
        StripeCdcOptionsReader.Read(configuration, options);
        foreach (var entry in options.ModuleAssemblies)
        {
            yield return entry.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
                ? AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.GetFullPath(entry))
                : Assembly.Load(entry);
        }
    }
}
