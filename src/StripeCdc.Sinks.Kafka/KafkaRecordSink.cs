using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using StripeCdc.Records;
using StripeCdc.Telemetry;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// Writes records with the shared idempotent <c>acks=all</c> producer; <see cref="WriteAsync"/> completes
/// when every record of the batch is acknowledged. The producer retries transient broker errors itself
/// (idempotence keeps those retries free of duplicates) until <c>message.timeout.ms</c>.
/// The record timestamp (CreateTime) is the event's <c>created</c> (a snapshot read: its read time), so
/// consumers can order by it; with <see cref="KafkaSinkOptions.Tombstones"/> a delete record is followed
/// by a null-value record of the same key.
/// </summary>
internal sealed class KafkaRecordSink(KafkaProducerConnection connection, StripeCdcMetrics metrics, KafkaTelemetry telemetry, IOptions<KafkaSinkOptions> options) : IRecordSink
{
    private readonly IProducer<byte[], byte[]> _producer = connection.Producer;
    private readonly bool _tombstones = options.Value.Tombstones;

    public bool WritesLedger => false;

    public ValueTask<SinkWriteResult> WriteAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        var tombstones = 0;
        if (_tombstones)
        {
            foreach (var record in records)
            {
                tombstones += NeedsTombstone(record) ? 1 : 0;
            }
        }

        var completion = new DeliveryCompletion(records.Count + tombstones);
        completion.CancelOn(cancellationToken);
        try
        {
            foreach (var record in records)
            {
                // Once the batch has failed or its deadline passed, more records would only come back as duplicates.
                if (completion.IsFinished || !TryProduce(record, record.BuildValue(), completion))
                {
                    break;
                }

                // Same key, so same partition, right after the delete: a compacted topic then drops the object.
                if (tombstones > 0 && NeedsTombstone(record) && (completion.IsFinished || !TryProduce(record, null, completion)))
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            // A record that cannot even be built: end the wait (and its cancellation registration) and let the caller see why.
            completion.Fail(ex);
            throw;
        }

        completion.AllProduced();
        return completion.Written;
    }

    /// <summary>
    /// A delete of the event's own object; children get no tombstones (SPEC §4), DLQ records have no key,
    /// and a cancelled subscription none either: compaction would drop a subscription Stripe still has.
    /// </summary>
    private static bool NeedsTombstone(OutgoingRecord record) =>
        record.Role == RecordRole.Parent && record.Key is not null && record.Origin is { RemovesObject: true };

    private bool TryProduce(OutgoingRecord record, byte[]? value, DeliveryCompletion completion)
    {
        var delivery = new RecordDelivery(record.Topic, completion, metrics, telemetry);
        var message = delivery.CreateMessage(record, value);
        try
        {
            _producer.Produce(record.Topic, message, delivery.OnDelivered);
            return true;
        }
        catch (KafkaException ex)
        {
            delivery.NotProduced(ex.Error);
        }
        catch (ObjectDisposedException)
        {
            delivery.NotProduced(new Error(ErrorCode.Local_Destroy, "The producer is shut down."));
        }
        catch (ArgumentException ex)
        {
            delivery.NotProduced(new Error(ErrorCode.Local_InvalidArg, ex.Message));
        }

        return false;
    }

    /// <summary>One record in flight: its producer span, its start time, and the batch waiting for it.</summary>
    private sealed class RecordDelivery(string topic, DeliveryCompletion completion, StripeCdcMetrics metrics, KafkaTelemetry telemetry)
    {
        private readonly long _started = Stopwatch.GetTimestamp();
        private Activity? _activity;

        public Message<byte[], byte[]> CreateMessage(OutgoingRecord record, byte[]? value)
        {
            var caller = Activity.Current;
            _activity = telemetry.StartPublish(topic);
            var headers = new Headers();
            foreach (var header in record.Headers)
            {
                headers.Add(header.Name, header.Value);
            }

            KafkaTelemetry.InjectTraceContext(_activity, headers);
            if (_activity is not null)
            {
                // The span covers this record's round trip; the caller's next steps are not inside it.
                Activity.Current = caller;
            }

            var message = new Message<byte[], byte[]> { Key = record.Key!, Value = value!, Headers = headers };
            if (record.Origin is { } origin)
            {
                message.Timestamp = new Timestamp(origin.Created.UtcDateTime, TimestampType.CreateTime);
            }

            return message;
        }

        public void OnDelivered(DeliveryReport<byte[], byte[]> report)
        {
            // Runs on the producer's delivery-report thread. Confluent only logs what a handler throws,
            // so the batch is told in any case: a record left uncounted would hold its writer forever.
            var elapsed = Stopwatch.GetElapsedTime(_started);
            try
            {
                if (report.Error.IsError)
                {
                    telemetry.Failed(_activity, topic, report.Error, elapsed);
                }
                else
                {
                    telemetry.Acknowledged(_activity, report, elapsed);
                    metrics.RecordProduced(topic);
                }

                EndSpan();
            }
            finally
            {
                if (report.Error.IsError)
                {
                    completion.Fail(SinkFailure(report.Error, $"Kafka did not acknowledge a record for topic '{topic}'"));
                }
                else
                {
                    completion.Delivered();
                }
            }
        }

        public void NotProduced(Error error)
        {
            telemetry.Failed(_activity, topic, error, Stopwatch.GetElapsedTime(_started));
            EndSpan();
            completion.Fail(SinkFailure(error, "The Kafka producer failed"));
        }

        private void EndSpan()
        {
            if (_activity is null)
            {
                return;
            }

            // Stopping a span makes its parent current on this thread; nothing here belongs to that trace.
            var current = Activity.Current;
            _activity.Dispose();
            Activity.Current = current;
        }

        private static SinkException SinkFailure(Error error, string what) =>
            new($"{what}: {error.Reason} ({error.Code}).", IsPermanent(error.Code));
    }

    /// <summary>Errors that the same record will meet again however often it is retried.</summary>
    private static bool IsPermanent(ErrorCode code) => code is
        ErrorCode.MsgSizeTooLarge or
        ErrorCode.InvalidMsg or
        ErrorCode.InvalidMsgSize or
        ErrorCode.TopicException or
        ErrorCode.InvalidRecord or
        ErrorCode.RecordListTooLarge or
        ErrorCode.TopicAuthorizationFailed or
        ErrorCode.Local_InvalidArg;
}
