using Confluent.Kafka;
using Confluent.Kafka.Admin;
using StripeCdc.Hosting;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// A single-partition compacted topic a service keeps its own state in (Kafka Connect's config and offset
/// storage): found, or created when missing, with an error naming the setting when neither works.
/// </summary>
public static class CompactedTopic
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long creating the topic may take: a cluster without the CreateTopics API (librdkafka's mock) never
    /// answers, and start-up must fail well before an operator gives up on it.
    /// </summary>
    private static readonly TimeSpan CreateTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The topic's partitions; <paramref name="role"/> and <paramref name="setting"/> name it in errors and logs.</summary>
    public static List<TopicPartition> Ensure(KafkaClientConfigs configs, string topicName, string role, string setting)
    {
        using var admin = new AdminClientBuilder(configs.Admin(role, config =>
                config.SocketTimeoutMs ??= (int)CreateTimeout.TotalMilliseconds))
            .SetLogHandler((_, _) => { })
            .Build();
        var topic = Metadata(configs, topicName, role, setting, () => admin.GetMetadata(MetadataTimeout))
            .Topics.Find(t => t.Topic == topicName && t.Error.Code == ErrorCode.NoError);
        if (topic is null)
        {
            try
            {
                admin.CreateTopicsAsync(
                [
                    new TopicSpecification
                    {
                        Name = topicName,
                        NumPartitions = 1,
                        Configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact" },
                    },
                ], new CreateTopicsOptions { RequestTimeout = CreateTimeout, OperationTimeout = CreateTimeout })
                    .WaitAsync(CreateTimeout + TimeSpan.FromSeconds(1)).GetAwaiter().GetResult();
            }
            catch (CreateTopicsException ex) when (ex.Results.All(r => !r.Error.IsError || r.Error.Code == ErrorCode.TopicAlreadyExists))
            {
                // Another service created it first.
            }
            catch (Exception ex) when (ex is KafkaException or TimeoutException)
            {
                var reason = ex is KafkaException kafka
                    ? kafka.Error.Reason
                    : $"no answer within {CreateTimeout.TotalSeconds:0} s; a cluster without the CreateTopics API, such as librdkafka's mock, never answers";
                throw new StartupException(
                    $"The {role} topic '{topicName}' ({setting}) does not exist and could not be created ({reason}); create it with 1 partition and cleanup.policy=compact.",
                    ex);
            }

            topic = Metadata(configs, topicName, role, setting, () => admin.GetMetadata(topicName, MetadataTimeout))
                .Topics.Single(t => t.Topic == topicName);
        }

        return [.. topic.Partitions.Select(p => new TopicPartition(topicName, p.PartitionId))];
    }

    private static Metadata Metadata(KafkaClientConfigs configs, string topicName, string role, string setting, Func<Metadata> read)
    {
        try
        {
            return read();
        }
        catch (KafkaException ex)
        {
            throw new StartupException(
                $"Kafka ({configs.BootstrapServers}, ConnectionStrings:kafka) did not answer a metadata request for the {role} topic '{topicName}' ({setting}) within {MetadataTimeout.TotalSeconds:0} s: {ex.Error.Reason}. Check that the cluster runs and ConnectionStrings:kafka names it.",
                ex);
        }
    }
}
