using System.Text;
using Confluent.Kafka;
using StripeCdc.Configuration;
using StripeCdc.Records;
using StripeCdc.Replay;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// The DLQ topic: read from where the last replay stopped (a consumer group per source) up to the end
/// as it was when the replay began.
/// </summary>
internal sealed class KafkaDeadLetterStore(KafkaClientConfigs kafka) : IDeadLetterStore
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task<int> ReadAsync(SourceSettings source, Func<DeadLetterEntry, CancellationToken, Task> replay, CancellationToken cancellationToken)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(kafka.Consumer("the DLQ replay", config =>
        {
            config.GroupId = $"stripecdc-dlq-replay-{source.Name}";
            config.AutoOffsetReset = AutoOffsetReset.Earliest;
            config.EnableAutoCommit = false;
            config.EnablePartitionEof = true;
        })).Build();

        var end = EndOffsets(consumer, source.DeadLetterTopic);
        if (end.Count == 0)
        {
            return 0;
        }

        consumer.Assign(end.Keys.Select(tp => new TopicPartitionOffset(tp, Committed(consumer, tp))));
        var pending = end.Where(e => e.Value > 0).Select(e => e.Key).ToHashSet();
        var replayed = 0;
        while (pending.Count > 0 && !cancellationToken.IsCancellationRequested)
        {
            var result = consumer.Consume(Timeout);
            if (result is null)
            {
                break;
            }

            if (result.Offset.Value >= end[result.TopicPartition] || result.IsPartitionEOF)
            {
                pending.Remove(result.TopicPartition);
                continue;
            }

            var message = result.Message;
            var signature = message.Headers.TryGetLastBytes(RecordHeaderNames.StripeSignature, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
            await replay(new DeadLetterEntry(message.Value, signature), cancellationToken);
            replayed++;
            consumer.Commit([new TopicPartitionOffset(result.TopicPartition, result.Offset + 1)]);
            if (result.Offset.Value + 1 >= end[result.TopicPartition])
            {
                pending.Remove(result.TopicPartition);
            }
        }

        consumer.Close();
        return replayed;
    }

    private static Dictionary<TopicPartition, long> EndOffsets(IConsumer<byte[], byte[]> consumer, string topic)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var metadata = admin.GetMetadata(topic, Timeout).Topics.SingleOrDefault();
        if (metadata is null || metadata.Error.Code != ErrorCode.NoError)
        {
            return [];
        }

        return metadata.Partitions
            .Select(p => new TopicPartition(topic, p.PartitionId))
            .ToDictionary(tp => tp, tp => consumer.QueryWatermarkOffsets(tp, Timeout).High.Value);
    }

    private static Offset Committed(IConsumer<byte[], byte[]> consumer, TopicPartition partition)
    {
        var committed = consumer.Committed([partition], Timeout).Single().Offset;
        return committed == Offset.Unset ? Offset.Beginning : committed;
    }
}
