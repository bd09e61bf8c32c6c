using Confluent.Kafka;
using StripeCdc.Sinks.Kafka;

namespace StripeCdc.Ledger;

/// <summary>
/// Where to start reading the ledger so that start-up reads only the window: per partition, the first
/// offset whose timestamp is inside it. Asks the broker (<c>OffsetsForTimes</c>); when the broker answers
/// "after the end" while the partition's last record is inside the window — librdkafka's mock cluster
/// answers that to every timestamp query — the offset is found by a binary search over record timestamps
/// (about log₂(records) single-record fetches per partition, partitions in parallel).
/// </summary>
internal sealed class LedgerWindowStart(KafkaClientConfigs configs, TimeSpan window)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public List<TopicPartitionOffset> Find(IReadOnlyList<TopicPartition> partitions, long nowMs)
    {
        var from = nowMs - (long)window.TotalMilliseconds;
        using var consumer = Probe("the event ledger's start offsets");
        var answers = consumer.OffsetsForTimes(
            partitions.Select(p => new TopicPartitionTimestamp(p, new Timestamp(from, TimestampType.CreateTime))),
            Timeout);
        var starts = new TopicPartitionOffset[partitions.Count];
        Parallel.For(0, partitions.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var partition = partitions[i];
            var answer = answers.FirstOrDefault(a => a.TopicPartition == partition)?.Offset ?? Offset.End;
            var marks = consumer.QueryWatermarkOffsets(partition, Timeout);
            long start;
            if (marks.High.Value <= marks.Low.Value)
            {
                start = marks.High.Value;
            }
            else if (answer.Value >= 0)
            {
                start = answer.Value;
            }
            else
            {
                using var probe = Probe("the event ledger's window search");
                start = Search(probe, partition, marks.Low.Value, marks.High.Value, from);
            }

            starts[i] = new TopicPartitionOffset(partition, start);
        });
        return [.. starts];
    }

    /// <summary>The first offset in [low, high) whose record is not older than <paramref name="from"/>, else high.</summary>
    private static long Search(IConsumer<byte[], byte[]> probe, TopicPartition partition, long low, long high, long from)
    {
        var last = Read(probe, partition, high - 1);
        if (last is null || last.Value.Timestamp < from)
        {
            return high;
        }

        // Everything before `low` is older than the window; the record at or after `high` is inside it.
        high = last.Value.Offset;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            var record = Read(probe, partition, middle);
            if (record is null)
            {
                return low;
            }

            if (record.Value.Timestamp >= from)
            {
                high = middle;
            }
            else
            {
                // Compaction leaves gaps: the record read may sit past `middle`.
                low = record.Value.Offset + 1;
            }
        }

        return low;
    }

    private static (long Offset, long Timestamp)? Read(IConsumer<byte[], byte[]> probe, TopicPartition partition, long offset)
    {
        probe.Assign(new TopicPartitionOffset(partition, offset));
        var result = probe.Consume(Timeout);
        probe.Unassign();
        return result?.Message is null ? null : (result.Offset.Value, result.Message.Timestamp.UnixTimestampMs);
    }

    private IConsumer<byte[], byte[]> Probe(string purpose) =>
        new ConsumerBuilder<byte[], byte[]>(configs.Consumer(purpose, config =>
        {
            config.GroupId = "stripecdc-ledger-probe";
            config.EnableAutoCommit = false;
            config.AutoOffsetReset = AutoOffsetReset.Latest;

            // One record is all a probe wants; the broker still sends at least one whole batch.
            config.MessageMaxBytes = 1000;
            config.FetchMaxBytes = 1024;
            config.MaxPartitionFetchBytes = 1024;
            config.FetchWaitMaxMs = 10;
        }))
            .SetLogHandler((_, _) => { })
            .Build();
}
