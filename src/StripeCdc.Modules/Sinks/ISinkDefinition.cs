using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace StripeCdc.Sinks;

/// <summary>
/// A sink <c>StripeCdc:Sink</c> can name. Each sink is a project of its own: the built-in ones
/// (<c>StripeCdc.Sinks.Kafka</c>, <c>.Postgres</c>, <c>.JsonLines</c>) are added by the hosts with
/// <see cref="SinkServiceCollectionExtensions.AddSinkDefinition"/>; a team's own is a public class with a
/// parameterless constructor in an assembly listed in <c>StripeCdc:ModuleAssemblies</c>, found there the
/// way a custom module is.
/// </summary>
public interface ISinkDefinition
{
    /// <summary>The name <c>StripeCdc:Sink</c> selects the sink by (compared case-insensitively).</summary>
    string Name { get; }

    /// <summary>Registers the <see cref="IRecordSink"/>, and the <see cref="Replay.IDeadLetterStore"/> where the sink keeps dead letters.</summary>
    void AddSink(IServiceCollection services, IConfiguration configuration);

    /// <summary>Registers the sink's dedupe <see cref="Ledger.IEventLedger"/>; a sink without one registers nothing.</summary>
    void AddEventLedger(IServiceCollection services, IConfiguration configuration);
}
