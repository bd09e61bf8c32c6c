using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace StripeCdc.Sinks.Kafka;

/// <summary><c>StripeCdc:Sink=Kafka</c> (the default): records, dead letters and the dedupe ledger on Kafka topics.</summary>
public sealed class KafkaSinkDefinition : ISinkDefinition
{
    public const string SinkName = "Kafka";

    public string Name => SinkName;

    public void AddSink(IServiceCollection services, IConfiguration configuration) => services.AddKafkaSink(configuration);

    public void AddEventLedger(IServiceCollection services, IConfiguration configuration) => services.AddKafkaEventLedger(configuration);
}
