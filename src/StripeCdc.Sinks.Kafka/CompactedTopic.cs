using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// A single-partition compacted topic a service keeps its own state in (Kafka Connect's config and offset
/// storage): found, or created when missing, with an error naming the setting when neither works.
/// </summary>
public static class CompactedTopic
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The topic's partitions; <paramref name="role"/> and <paramref name="setting"/> name it in errors and logs.</summary>
    public static List<TopicPartition> Ensure(KafkaClientConfigs configs, string topicName, string role, string setting)
    {
        using var admin = new AdminClientBuilder(configs.Admin(role))
            .SetLogHandler((_, _) => { })
            .Build();
        var topic = admin.GetMetadata(MetadataTimeout).Topics.Find(t => t.Topic == topicName && t.Error.Code == ErrorCode.NoError);
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
                ]).GetAwaiter().GetResult();
            }
            catch (KafkaException ex)
            {
                throw new InvalidOperationException(
                    $"The {role} topic '{topicName}' ({setting}) does not exist and could not be created ({ex.Error.Reason}); create it with 1 partition and cleanup.policy=compact.",
                    ex);
            }

            topic = admin.GetMetadata(topicName, MetadataTimeout).Topics.Single(t => t.Topic == topicName);
        }

        return [.. topic.Partitions.Select(p => new TopicPartition(topicName, p.PartitionId))];
    }
}
