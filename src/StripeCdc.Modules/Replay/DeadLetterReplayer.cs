using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StripeCdc.Configuration;
using StripeCdc.Pipeline;
using StripeCdc.Records;
using StripeCdc.Sinks.Kafka;

namespace StripeCdc.Replay;

/// <summary>
/// Re-injects a source's DLQ records through the pipeline (SPEC §5). It reads from where the last replay
/// stopped (a consumer group per source) up to the end as it was when the replay began, so records that
/// fail again and land back on the DLQ wait for the next replay. The original <c>Stripe-Signature</c> is
/// checked unless the caller explicitly asks to skip it.
/// </summary>
public sealed partial class DeadLetterReplayer(
    RecordPipeline pipeline,
    SourceCatalog sources,
    KafkaClientConfigs kafka,
    TimeProvider timeProvider,
    ILogger<DeadLetterReplayer> logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task<ReplayResult> ReplayAsync(string sourceName, bool skipSignatureCheck, CancellationToken cancellationToken)
    {
        var source = sources.Get(sourceName);
        using var consumer = new ConsumerBuilder<byte[], byte[]>(kafka.Consumer("the DLQ replay", config =>
        {
            config.GroupId = $"stripecdc-dlq-replay-{source.Name}";
            config.AutoOffsetReset = AutoOffsetReset.Earliest;
            config.EnableAutoCommit = false;
            config.EnablePartitionEof = true;
        })).Build();

        var end = EndOffsets(consumer, source.DeadLetterTopic);
        var outcomes = new Dictionary<PipelineOutcome, int>();
        if (end.Count == 0)
        {
            return new ReplayResult(source.Name, 0, outcomes);
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

            var outcome = await ReplayOneAsync(source, result.Message, skipSignatureCheck, cancellationToken);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            replayed++;
            consumer.Commit([new TopicPartitionOffset(result.TopicPartition, result.Offset + 1)]);
            if (result.Offset.Value + 1 >= end[result.TopicPartition])
            {
                pending.Remove(result.TopicPartition);
            }
        }

        LogReplayed(source.Name, replayed);
        consumer.Close();
        return new ReplayResult(source.Name, replayed, outcomes);
    }

    private async Task<PipelineOutcome> ReplayOneAsync(SourceSettings source, Message<byte[], byte[]> message, bool skipSignatureCheck, CancellationToken cancellationToken)
    {
        var signature = message.Headers.TryGetLastBytes(RecordHeaderNames.StripeSignature, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
        var context = new RecordContext(source, message.Value, signature, timeProvider.GetUtcNow())
        {
            SkipSignatureCheck = skipSignatureCheck,
            CancellationToken = cancellationToken,
        };
        await pipeline.ProcessAsync(context);
        return context.Outcome;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Count} DLQ records of source '{Source}'.")]
    private partial void LogReplayed(string source, int count);
}

public sealed record ReplayResult(string Source, int Replayed, IReadOnlyDictionary<PipelineOutcome, int> Outcomes);
