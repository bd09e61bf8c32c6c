using System.Reflection;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StripeCdc.Configuration;
using StripeCdc.Pipeline;
using StripeCdc.Sinks;

namespace StripeCdc.Testing;

/// <summary>Builds the pipeline from configuration, as a service would, around a capturing sink.</summary>
internal sealed class PipelineHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public PipelineHarness(
        IDictionary<string, string?>? settings = null,
        IRecordSink? sink = null,
        TimeProvider? time = null,
        params Assembly[] moduleAssemblies)
    {
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Configuration);
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        Sink = sink as CapturingSink ?? new CapturingSink();
        services.AddSingleton(sink ?? Sink);
        services.AddStripeCdcPipeline(Configuration, moduleAssemblies);
        _services = services.BuildServiceProvider(validateScopes: true);
        _ = _services.GetRequiredService<IOptions<StripeCdcOptions>>().Value;
        Pipeline = _services.GetRequiredService<RecordPipeline>();
        Sources = _services.GetRequiredService<SourceCatalog>();
    }

    public IConfigurationRoot Configuration { get; }

    public CapturingSink Sink { get; }

    public RecordPipeline Pipeline { get; }

    public SourceCatalog Sources { get; }

    public IServiceProvider Services => _services;

    public static Dictionary<string, string?> Source(string name = "default", params (string Key, string? Value)[] settings)
    {
        var dictionary = new Dictionary<string, string?> { [$"StripeCdc:Sources:{name}:ApiKey"] = "test-key" };
        foreach (var (key, value) in settings)
        {
            dictionary[key.StartsWith("FeatureManagement:", StringComparison.Ordinal) || key.StartsWith("StripeCdc:", StringComparison.Ordinal)
                ? key
                : $"StripeCdc:Sources:{name}:{key}"] = value;
        }

        return dictionary;
    }

    public async Task<RecordContext> ProcessAsync(string body, string? signature = null, string source = "default", RecordKind kind = RecordKind.Change)
    {
        var context = new RecordContext(Sources.Get(source), Encoding.UTF8.GetBytes(body), signature, DateTimeOffset.UtcNow, kind);
        await Pipeline.ProcessAsync(context);
        return context;
    }

    public void Dispose() => _services.Dispose();
}
