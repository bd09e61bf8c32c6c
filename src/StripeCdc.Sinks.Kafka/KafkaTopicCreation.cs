using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using StripeCdc.Configuration;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// At start-up, creates the topics the configured sources can write to when they are missing: resource and
/// fan-out topics, the default topic and the DLQ. With <c>StripeCdc:Kafka:Tombstones=true</c> the state
/// topics (all but the DLQ) are created with <c>cleanup.policy=compact</c>.
/// </summary>
internal sealed class KafkaTopicCreation(KafkaTopicCreator creator, SourceCatalog sources, IConfiguration configuration) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        creator.EnsureAsync(Requests(sources, configuration.GetValue<bool>(KafkaTopicOptions.TombstonesKey)), cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    internal static List<KafkaTopicRequest> Requests(SourceCatalog sources, bool tombstones)
    {
        var compacted = tombstones
            ? new Dictionary<string, string> { ["cleanup.policy"] = "compact" }
            : new Dictionary<string, string>();
        var requests = new List<KafkaTopicRequest>();
        foreach (var source in sources.All)
        {
            var prefix = $"StripeCdc:Sources:{source.Name}";
            foreach (var topic in source.KnownTopics)
            {
                requests.Add(topic == source.DeadLetterTopic
                    ? new KafkaTopicRequest(topic, $"{prefix}:DeadLetterQueue:Topic")
                    : new KafkaTopicRequest(topic, topic == source.DefaultTopic ? $"{prefix}:DefaultTopic" : $"{prefix}:Resources", compacted));
            }
        }

        return requests;
    }
}

public static class KafkaTopicCreationExtensions
{
    /// <summary>
    /// Creates the sources' missing topics when the host starts (settings <c>StripeCdc:Kafka:Topics</c>).
    /// Register it before the event ledger so the topics exist before anything produces.
    /// </summary>
    public static IServiceCollection AddKafkaTopicCreation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddKafkaClients(configuration);
        services.AddKafkaTopicOptions(configuration);
        services.AddHostedService<KafkaTopicCreation>();
        return services;
    }

    internal static IServiceCollection AddKafkaTopicOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<KafkaTopicOptions>()
            .Bind(configuration.GetSection(KafkaTopicOptions.SectionName))
            .Validate(o => o.Timeout > TimeSpan.Zero, "StripeCdc:Kafka:Topics:Timeout must be greater than 0.")
            .Validate(o => (o.Default.Partitions ?? 1) > 0 && o.Overrides.Values.All(t => (t.Partitions ?? 1) > 0), "StripeCdc:Kafka:Topics: Partitions must be greater than 0.")
            .ValidateOnStart();
        return services;
    }
}
