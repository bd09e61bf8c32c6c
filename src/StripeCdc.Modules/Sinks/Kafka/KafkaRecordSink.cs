using System.Diagnostics;
using Confluent.Kafka;
using StripeCdc.Records;
using StripeCdc.Telemetry;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// Writes records with the shared idempotent <c>acks=all</c> producer; <see cref="WriteAsync"/> completes
/// when every record of the batch is acknowledged. The producer retries transient broker errors itself
/// (idempotence keeps those retries free of duplicates) until <c>message.timeout.ms</c>.
/// </summary>
internal sealed class KafkaRecordSink(KafkaProducerConnection connection, StripeCdcMetrics metrics) : IRecordSink
{
    private readonly IProducer<byte[], byte[]> _producer = connection.Producer;

    public ValueTask WriteAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        var completion = new DeliveryCompletion(records.Count);
        completion.CancelOn(cancellationToken);
        try
        {
            foreach (var record in records)
            {
                // Once the batch has failed or its deadline passed, more records would only come back as duplicates.
                if (completion.IsFinished || !TryProduce(record, completion))
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
        return completion.Task;
    }

    private bool TryProduce(OutgoingRecord record, DeliveryCompletion completion)
    {
        var value = record.BuildValue();
        var delivery = new RecordDelivery(record.Topic, completion, metrics);
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
    private sealed class RecordDelivery(string topic, DeliveryCompletion completion, StripeCdcMetrics metrics)
    {
        private readonly long _started = Stopwatch.GetTimestamp();
        private Activity? _activity;

        public Message<byte[], byte[]> CreateMessage(OutgoingRecord record, byte[] value)
        {
            var caller = Activity.Current;
            _activity = KafkaTelemetry.StartPublish(topic);
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

            return new Message<byte[], byte[]> { Key = record.Key!, Value = value, Headers = headers };
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
                    KafkaTelemetry.Failed(_activity, topic, report.Error, elapsed);
                }
                else
                {
                    KafkaTelemetry.Acknowledged(_activity, report, elapsed);
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
            KafkaTelemetry.Failed(_activity, topic, error, Stopwatch.GetElapsedTime(_started));
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
