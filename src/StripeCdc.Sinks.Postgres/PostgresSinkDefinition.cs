using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace StripeCdc.Sinks.Postgres;

/// <summary><c>StripeCdc:Sink=Postgres</c>: state tables, dead letters and the dedupe ledger in one PostgreSQL database.</summary>
public sealed class PostgresSinkDefinition : ISinkDefinition
{
    public const string SinkName = "Postgres";

    public string Name => SinkName;

    public void AddSink(IServiceCollection services, IConfiguration configuration) => services.AddPostgresSink(configuration);

    public void AddEventLedger(IServiceCollection services, IConfiguration configuration) => services.AddPostgresEventLedger(configuration);
}
