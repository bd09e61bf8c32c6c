using Microsoft.Extensions.Configuration;
using StripeCdc.Configuration;
using StripeCdc.EmbeddedKafka;
using StripeCdc.Flags;
using StripeCdc.Ledger;

namespace StripeCdc.Ingest.Hosting;

/// <summary>
/// For a quick local run without an AppHost (<c>StripeCdc:EmbeddedKafka=true</c>): starts an in-memory
/// 3-broker Kafka in this process, creates every topic the sources can write to plus the ledger
/// topic (the embedded cluster has no CreateTopics API), and points <c>ConnectionStrings:kafka</c> at it.
/// </summary>
internal static class EmbeddedKafkaStartup
{
    public static EmbeddedKafkaCluster? StartIfEnabled(IConfigurationManager configuration)
    {
        if (!configuration.GetValue<bool>(ConfigurationKeys.EmbeddedKafka))
        {
            return null;
        }

        var cluster = EmbeddedKafkaCluster.Start(brokerCount: 3);
        foreach (var topic in Topics(configuration))
        {
            cluster.CreateTopic(topic);
        }

        configuration[ConfigurationKeys.KafkaConnectionString] = cluster.BootstrapServers;
        return cluster;
    }

    /// <summary>Every known topic of every configured source, the ledger topic and the module switch topic.</summary>
    public static IEnumerable<string> Topics(IConfiguration configuration)
    {
        var options = new StripeCdcOptions();
        StripeCdcOptionsReader.Read(configuration, options);
        var topics = new HashSet<string>(StringComparer.Ordinal)
        {
            configuration[$"{EventLedgerOptions.SectionName}:{nameof(EventLedgerOptions.Topic)}"] ?? new EventLedgerOptions().Topic,
            configuration[$"{ModuleFlagsOptions.SectionName}:{nameof(ModuleFlagsOptions.Topic)}"] ?? new ModuleFlagsOptions().Topic,
        };
        foreach (var (name, source) in options.Sources)
        {
            try
            {
                topics.UnionWith(new SourceSettings(name, source).KnownTopics);
            }
            catch (FormatException)
            {
                // Options validation names the bad setting when the host starts.
            }
        }

        return topics;
    }
}
