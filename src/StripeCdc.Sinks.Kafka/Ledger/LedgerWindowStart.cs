using Confluent.Kafka;
using StripeCdc.Ledger;

namespace StripeCdc.Sinks.Kafka;

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
        var next = -1;
        var workers = Math.Min(8, partitions.Count);
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
        {
            IConsumer<byte[], byte[]>? probe = null;
            try
            {
                for (var i = Interlocked.Increment(ref next); i < partitions.Count; i = Interlocked.Increment(ref next))
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
                        probe ??= Probe("the event ledger's window search");
                        start = Search(probe, partition, marks.Low.Value, marks.High.Value, from);
                    }

                    starts[i] = new TopicPartitionOffset(partition, start);
                }
            }
            finally
            {
                probe?.Dispose();
            }
        });
        return [.. starts];
    }

    /// <summary>
    /// The first offset in [low, high) whose record is not older than <paramref name="from"/>, else high.
    /// Interpolates on timestamps (commits arrive at a fairly even pace, so a few probes suffice), and
    /// falls back to halving when interpolation stops closing in.
    /// </summary>
    private static long Search(IConsumer<byte[], byte[]> probe, TopicPartition partition, long low, long high, long from)
    {
        var last = Read(probe, partition, high - 1);
        if (last is null || last.Value.Timestamp < from)
        {
            return high;
        }

        var first = Read(probe, partition, low);
        if (first is null || first.Value.Timestamp >= from)
        {
            return low;
        }

        // The record at `lo` is older than the window; the first record at or after `hi` is inside it.
        var (lo, loTime) = first.Value;
        var (hi, hiTime) = (last.Value.Offset, last.Value.Timestamp);
        for (var round = 0; hi - lo > 1; round++)
        {
            var middle = round < 6 && hiTime > loTime
                ? lo + (long)((double)(from - loTime) / (hiTime - loTime) * (hi - lo))
                : lo + ((hi - lo) / 2);
            middle = Math.Clamp(middle, lo + 1, hi - 1);
            var record = Read(probe, partition, middle);
            if (record is null)
            {
                return lo + 1;
            }

            if (record.Value.Timestamp >= from)
            {
                (hi, hiTime) = (middle, record.Value.Timestamp);
            }
            else
            {
                // Compaction leaves gaps: the record read may sit past `middle`.
                (lo, loTime) = (record.Value.Offset, record.Value.Timestamp);
            }
        }

        return hi;
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
