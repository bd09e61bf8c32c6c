using System.Diagnostics;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using StripeCdc.Telemetry;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// The Kafka integration's producer spans, shaped like Aspire's Kafka integration: <c>"&lt;topic&gt; publish"</c>,
/// kind Producer, OpenTelemetry messaging tags; the W3C trace context written into record headers; and the
/// producer metrics, on a meter from <see cref="IMeterFactory"/>. <c>StripeCdc:Kafka:DisableTracing</c> and
/// <c>DisableMetrics</c> turn them off.
/// </summary>
internal sealed class KafkaTelemetry
{
    private static readonly ActivitySource Source = new(StripeCdcTelemetry.KafkaSourceName);

    private readonly bool _tracing;
    private readonly Histogram<double>? _publishDuration;
    private readonly Counter<long>? _publishMessages;

    public KafkaTelemetry(IMeterFactory meters, StripeCdcKafkaSettings settings)
    {
        _tracing = !settings.DisableTracing;
        if (settings.DisableMetrics)
        {
            return;
        }

        // The producer metrics of Aspire's Kafka integration (OpenTelemetry messaging conventions).
        var meter = meters.Create(StripeCdcTelemetry.KafkaSourceName);
        _publishDuration = meter.CreateHistogram<double>("messaging.publish.duration", "s", "Time until Kafka acknowledged a record.");
        _publishMessages = meter.CreateCounter<long>("messaging.publish.messages", "{message}", "Records sent to Kafka.");
    }

    public Activity? StartPublish(string topic)
    {
        if (!_tracing)
        {
            return null;
        }

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

    private void Published(string topic, TimeSpan elapsed, ErrorCode? error)
    {
        if (_publishMessages is null)
        {
            return;
        }

        var tags = new TagList
        {
            { "messaging.system", "kafka" },
            { "messaging.destination.name", topic },
        };
        if (error is { } code)
        {
            tags.Add("error.type", code.ToString());
        }

        _publishDuration?.Record(elapsed.TotalSeconds, tags);
        _publishMessages?.Add(1, tags);
    }

    public void Acknowledged(Activity? activity, DeliveryResult<byte[], byte[]> result, TimeSpan elapsed)
    {
        Published(result.Topic, elapsed, error: null);
        activity?.SetTag("messaging.kafka.destination.partition", result.Partition.Value);
        activity?.SetTag("messaging.kafka.message.offset", result.Offset.Value);
    }

    public void Failed(Activity? activity, string topic, Error error, TimeSpan elapsed)
    {
        Published(topic, elapsed, error.Code);
        activity?.SetStatus(ActivityStatusCode.Error, error.Reason);
        activity?.SetTag("error.type", error.Code.ToString());
    }
}
