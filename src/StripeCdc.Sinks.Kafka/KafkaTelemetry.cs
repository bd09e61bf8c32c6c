using System.Diagnostics;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using StripeCdc.Telemetry;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// The Kafka sink's producer spans, shaped like Aspire's Kafka integration: <c>"&lt;topic&gt; publish"</c>,
/// kind Producer, OpenTelemetry messaging tags; and the W3C trace context written into record headers.
/// </summary>
internal static class KafkaTelemetry
{
    private static readonly ActivitySource Source = new(StripeCdcTelemetry.KafkaSourceName);
    private static readonly Meter Meter = new(StripeCdcTelemetry.KafkaSourceName);

    // The producer metrics of Aspire's Kafka integration (OpenTelemetry messaging conventions).
    private static readonly Histogram<double> PublishDuration =
        Meter.CreateHistogram<double>("messaging.publish.duration", "s", "Time until Kafka acknowledged a record.");

    private static readonly Counter<long> PublishMessages =
        Meter.CreateCounter<long>("messaging.publish.messages", "{message}", "Records sent to Kafka.");

    public static Activity? StartPublish(string topic)
    {
        var activity = Source.StartActivity($"{topic} publish", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation", "publish");
            activity.SetTag("messaging.destination.name", topic);
        }

        return activity;
    }

    /// <summary>Writes <c>traceparent</c> (and <c>tracestate</c>) for the producer span, or the current span when none was started.</summary>
    public static void InjectTraceContext(Activity? activity, Headers headers)
    {
        activity ??= Activity.Current;
        if (activity is null)
        {
            return;
        }

        DistributedContextPropagator.Current.Inject(activity, headers, static (carrier, name, value) =>
        {
            if (carrier is Headers h && value is not null)
            {
                h.Remove(name);
                h.Add(name, System.Text.Encoding.UTF8.GetBytes(value));
            }
        });
    }

    private static void Published(string topic, TimeSpan elapsed, ErrorCode? error)
    {
        var tags = new TagList
        {
            { "messaging.system", "kafka" },
            { "messaging.destination.name", topic },
        };
        if (error is { } code)
        {
            tags.Add("error.type", code.ToString());
        }

        PublishDuration.Record(elapsed.TotalSeconds, tags);
        PublishMessages.Add(1, tags);
    }

    public static void Acknowledged(Activity? activity, DeliveryResult<byte[], byte[]> result, TimeSpan elapsed)
    {
        Published(result.Topic, elapsed, error: null);
        activity?.SetTag("messaging.kafka.destination.partition", result.Partition.Value);
        activity?.SetTag("messaging.kafka.message.offset", result.Offset.Value);
    }

    public static void Failed(Activity? activity, string topic, Error error, TimeSpan elapsed)
    {
        Published(topic, elapsed, error.Code);
        activity?.SetStatus(ActivityStatusCode.Error, error.Reason);
        activity?.SetTag("error.type", error.Code.ToString());
    }
}
