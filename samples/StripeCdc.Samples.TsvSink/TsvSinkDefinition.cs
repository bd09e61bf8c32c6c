using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Sinks;

namespace StripeCdc.Samples.TsvSink;

/// <summary>
/// <c>StripeCdc:Sink=Tsv</c>. Found because this assembly is named in <c>StripeCdc:ModuleAssemblies</c>:
/// a public <see cref="ISinkDefinition"/> with a parameterless constructor is all the core looks for.
/// </summary>
public sealed class TsvSinkDefinition : ISinkDefinition
{
    public string Name => "Tsv";

    public void AddSink(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TsvSinkOptions>().Bind(configuration.GetSection(TsvSinkOptions.SectionName));
        services.AddSingleton<IRecordSink, TsvRecordSink>();
    }

    /// <summary>No dedupe ledger: a redelivered event is written again.</summary>
    public void AddEventLedger(IServiceCollection services, IConfiguration configuration)
    {
    }
}
