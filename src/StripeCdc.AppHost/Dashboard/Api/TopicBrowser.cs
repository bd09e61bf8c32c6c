using System.Text;
using Confluent.Kafka;
using StripeCdc.AppHost.Hosting;

namespace StripeCdc.AppHost.Dashboard.Api;

/// <summary>Reads topic metadata and the latest records of a topic straight from Kafka.</summary>
internal sealed class TopicBrowser(IReadOnlyList<IResource> resources)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private string BootstrapServers =>
        resources.OfType<KafkaResource>().FirstOrDefault()?.ConnectionString
        ?? throw new InvalidOperationException("The stack has no Kafka resource.");

    public IReadOnlyList<TopicInfo> ListTopics()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        var metadata = admin.GetMetadata(Timeout);
        using var consumer = Consumer();
        return [.. metadata.Topics
            .Where(t => !t.Topic.StartsWith("__", StringComparison.Ordinal) && t.Error.Code == ErrorCode.NoError)
            .OrderBy(t => t.Topic, StringComparer.Ordinal)
            .Select(t => new TopicInfo(
                t.Topic,
                t.Partitions.Count,
                t.Partitions.Sum(p =>
                {
                    var w = consumer.QueryWatermarkOffsets(new TopicPartition(t.Topic, p.PartitionId), Timeout);
                    return w.High.Value - w.Low.Value;
                })))];
    }

    /// <summary>Up to <paramref name="limit"/> of the newest records of each partition, newest first.</summary>
    public IReadOnlyList<TopicRecord> Latest(string topic, int limit)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        var partitions = admin.GetMetadata(topic, Timeout).Topics.Single().Partitions.Select(p => p.PartitionId).ToList();
        using var consumer = Consumer();
        var assignments = new List<TopicPartitionOffset>();
        var remaining = 0L;
        foreach (var partition in partitions)
        {
            var tp = new TopicPartition(topic, partition);
            var w = consumer.QueryWatermarkOffsets(tp, Timeout);
            var from = Math.Max(w.Low.Value, w.High.Value - limit);
            if (w.High.Value > from)
            {
                assignments.Add(new TopicPartitionOffset(tp, new Offset(from)));
                remaining += w.High.Value - from;
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
                result.Message.Headers?.GroupBy(h => h.Key).ToDictionary(g => g.Key, g => Encoding.UTF8.GetString(g.Last().GetValueBytes())) ?? [],
                Text(result.Message.Value)));
        }

        return [.. records.OrderByDescending(r => r.Timestamp).ThenByDescending(r => r.Offset).Take(limit)];
    }

    private IConsumer<byte[], byte[]> Consumer() => new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
    {
        BootstrapServers = BootstrapServers,
        GroupId = "stripecdc-dashboard",
        EnableAutoCommit = false,
        EnablePartitionEof = true,
    }).Build();

    private static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);
}

internal sealed record TopicInfo(string Name, int Partitions, long Records);

internal sealed record TopicRecord(int Partition, long Offset, DateTime Timestamp, string? Key, Dictionary<string, string> Headers, string? Value);
