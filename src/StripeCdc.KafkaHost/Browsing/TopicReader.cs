using System.Text;
using Confluent.Kafka;
using StripeCdc.EmbeddedKafka;

namespace StripeCdc.KafkaHost.Browsing;

/// <summary>Reads topic metadata and the newest records of a topic from the embedded cluster.</summary>
internal sealed class TopicReader(EmbeddedKafkaCluster cluster)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public IReadOnlyList<TopicSummary> Topics()
    {
        using var consumer = Consumer();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        return [.. admin.GetMetadata(Timeout).Topics
            .Where(t => !t.Topic.StartsWith("__", StringComparison.Ordinal) && t.Error.Code == ErrorCode.NoError)
            .OrderBy(t => t.Topic, StringComparer.Ordinal)
            .Select(t => new TopicSummary(
                t.Topic,
                t.Partitions.Count,
                t.Partitions.Sum(p => Count(consumer.QueryWatermarkOffsets(new TopicPartition(t.Topic, p.PartitionId), Timeout)))))];
    }

    /// <summary>Up to <paramref name="limit"/> of the newest records of the topic, newest first.</summary>
    public IReadOnlyList<TopicRecord> Latest(string topic, int limit)
    {
        using var consumer = Consumer();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var metadata = admin.GetMetadata(topic, Timeout).Topics.SingleOrDefault();
        if (metadata is null || metadata.Error.Code != ErrorCode.NoError)
        {
            return [];
        }

        var assignments = new List<TopicPartitionOffset>();
        var remaining = 0L;
        foreach (var partition in metadata.Partitions)
        {
            var tp = new TopicPartition(topic, partition.PartitionId);
            var watermarks = consumer.QueryWatermarkOffsets(tp, Timeout);
            var from = Math.Max(watermarks.Low.Value, watermarks.High.Value - limit);
            if (watermarks.High.Value > from)
            {
                assignments.Add(new TopicPartitionOffset(tp, new Offset(from)));
                remaining += watermarks.High.Value - from;
            }
        }

        var records = new List<TopicRecord>();
        if (assignments.Count == 0)
        {
            return records;
        }

        consumer.Assign(assignments);
        var deadline = DateTime.UtcNow + Timeout;
        while (remaining > 0 && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message is null || result.IsPartitionEOF)
            {
                continue;
            }

            remaining--;
            records.Add(new TopicRecord(
                result.Partition.Value,
                result.Offset.Value,
                result.Message.Timestamp.UtcDateTime,
                Text(result.Message.Key),
                result.Message.Headers?.Select(h => KeyValuePair.Create(h.Key, Encoding.UTF8.GetString(h.GetValueBytes()))).ToList() ?? [],
                Text(result.Message.Value)));
        }

        return [.. records.OrderByDescending(r => r.Timestamp).ThenByDescending(r => r.Offset).Take(limit)];
    }

    private IConsumer<byte[], byte[]> Consumer() => new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
    {
        BootstrapServers = cluster.BootstrapServers,
        GroupId = "stripecdc-topic-browser",
        EnableAutoCommit = false,
        EnablePartitionEof = true,
    }).SetLogHandler((_, _) => { }).Build();

    private static long Count(WatermarkOffsets watermarks) => watermarks.High.Value - watermarks.Low.Value;

    private static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);
}

internal sealed record TopicSummary(string Name, int Partitions, long Records);

internal sealed record TopicRecord(
    int Partition, long Offset, DateTime Timestamp, string? Key, IReadOnlyList<KeyValuePair<string, string>> Headers, string? Value);
