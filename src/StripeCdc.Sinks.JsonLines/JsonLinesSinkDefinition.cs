using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace StripeCdc.Sinks.JsonLines;

/// <summary><c>StripeCdc:Sink=JsonLines</c>: one file per topic, no DLQ store and no dedupe ledger.</summary>
public sealed class JsonLinesSinkDefinition : ISinkDefinition
{
    public const string SinkName = "JsonLines";

    public string Name => SinkName;

    public void AddSink(IServiceCollection services, IConfiguration configuration) => services.AddJsonLinesSink(configuration);

    public void AddEventLedger(IServiceCollection services, IConfiguration configuration)
    {
    }
}
