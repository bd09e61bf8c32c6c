using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace StripeCdc.Telemetry;

/// <summary>
/// The metrics of SPEC §8. Labels are bounded: source, outcome, topic, reason, resource, and whose traffic it is
/// (<see cref="AccountKind"/>), never a connected account's id.
/// </summary>
public sealed class StripeCdcMetrics
{
    private readonly Counter<long> _events;
    private readonly Counter<long> _recordsProduced;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _skipped;
    private readonly Counter<long> _snapshotObjects;
    private readonly Counter<long> _apiVersionMismatches;
    private readonly Histogram<double> _eventDuration;
    private readonly PipelineStatistics? _statistics;

    public StripeCdcMetrics(IMeterFactory meterFactory, PipelineStatistics? statistics = null)
    {
        _statistics = statistics;
        var meter = meterFactory.Create(StripeCdcTelemetry.MeterName);
        _events = meter.CreateCounter<long>("stripecdc.events", "{event}", "Events received, by source, outcome and account kind (platform or connected).");
        _recordsProduced = meter.CreateCounter<long>("stripecdc.records.produced", "{record}", "Records acknowledged by the sink, by topic.");
        _deadLetters = meter.CreateCounter<long>("stripecdc.dlq.records", "{record}", "Records written to the dead-letter topic, by reason.");
        _skipped = meter.CreateCounter<long>("stripecdc.events.skipped", "{event}", "Events of unselected resources dropped under SKIP.");
        _snapshotObjects = meter.CreateCounter<long>("stripecdc.snapshot.objects", "{object}", "Objects read by a snapshot, by resource and account kind (platform or connected).");
        _apiVersionMismatches = meter.CreateCounter<long>("stripecdc.events.api_version_mismatch", "{event}", "Events rendered at another API version than the source expects.");
        _eventDuration = meter.CreateHistogram<double>("stripecdc.event.duration", "s", "Time from receiving an event to its outcome.");
    }

    public void EventHandled(string source, string outcome, TimeSpan duration, string accountKind)
    {
        var tags = new TagList { { "stripecdc.source", source }, { "stripecdc.outcome", outcome }, { AccountKind.TagName, accountKind } };
        _events.Add(1, tags);
        _statistics?.EventHandled(outcome);
        _eventDuration.Record(duration.TotalSeconds, tags);
    }

    public void RecordProduced(string topic)
    {
        _recordsProduced.Add(1, new KeyValuePair<string, object?>("messaging.destination.name", topic));
        _statistics?.RecordProduced(topic);
    }

    public void DeadLettered(string reason)
    {
        _deadLetters.Add(1, new KeyValuePair<string, object?>("stripecdc.dlq.reason", reason));
        _statistics?.DeadLettered(reason);
    }

    public void Skipped(string source) => _skipped.Add(1, new KeyValuePair<string, object?>("stripecdc.source", source));

    public void SnapshotObjectRead(string resource, string accountKind) =>
        _snapshotObjects.Add(1, new KeyValuePair<string, object?>("stripecdc.resource", resource), new KeyValuePair<string, object?>(AccountKind.TagName, accountKind));

    public void ApiVersionMismatch(string source) => _apiVersionMismatches.Add(1, new KeyValuePair<string, object?>("stripecdc.source", source));
}
