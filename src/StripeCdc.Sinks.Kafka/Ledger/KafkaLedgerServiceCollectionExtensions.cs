using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StripeCdc.Ledger;

namespace StripeCdc.Sinks.Kafka;

public static class KafkaLedgerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Kafka-backed <see cref="IEventLedger"/> (settings under <c>StripeCdc:Ledger</c>,
    /// Kafka from <c>ConnectionStrings:kafka</c>). It reads its topic back when the host starts.
    /// </summary>
    public static IServiceCollection AddKafkaEventLedger(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EventLedgerOptions>()
            .Bind(configuration.GetSection(EventLedgerOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Topic), "StripeCdc:Ledger:Topic must not be empty.")
            .Validate(o => o.Window > TimeSpan.Zero, "StripeCdc:Ledger:Window must be greater than 0.")
            .Validate(o => o.MaxEntries > 0, "StripeCdc:Ledger:MaxEntries must be greater than 0.")
            .Validate(o => o.LoadTimeout > TimeSpan.Zero, "StripeCdc:Ledger:LoadTimeout must be greater than 0.")
            .ValidateOnStart();
        services.AddKafkaClients(configuration);
        services.AddKafkaTopicOptions(configuration);
        services.TryAddSingleton<KafkaEventLedger>();
        services.TryAddSingleton<IEventLedger>(sp => sp.GetRequiredService<KafkaEventLedger>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<KafkaEventLedger>());
        return services;
    }
}
