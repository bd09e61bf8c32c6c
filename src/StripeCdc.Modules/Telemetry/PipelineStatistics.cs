using System.Collections.Concurrent;

namespace StripeCdc.Telemetry;

/// <summary>
/// In-process totals behind the dashboard's pipeline view: records by topic, DLQ records by reason,
/// events by outcome and the recent event rate. The same numbers go to OpenTelemetry as metrics.
/// </summary>
public sealed class PipelineStatistics(TimeProvider timeProvider)
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, long> _recordsByTopic = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _deadLettersByReason = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _eventsByOutcome = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<long> _recentEvents = new();

    public void RecordProduced(string topic) => _recordsByTopic.AddOrUpdate(topic, 1, (_, n) => n + 1);

    public void DeadLettered(string reason) => _deadLettersByReason.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void EventHandled(string outcome)
    {
        _eventsByOutcome.AddOrUpdate(outcome, 1, (_, n) => n + 1);
        var now = timeProvider.GetTimestamp();
        _recentEvents.Enqueue(now);
        Trim(now);
    }

    public PipelineStatisticsSnapshot Snapshot()
    {
        var now = timeProvider.GetTimestamp();
        Trim(now);
        return new PipelineStatisticsSnapshot(
            new SortedDictionary<string, long>(_recordsByTopic, StringComparer.Ordinal),
            new SortedDictionary<string, long>(_deadLettersByReason, StringComparer.Ordinal),
            new SortedDictionary<string, long>(_eventsByOutcome, StringComparer.Ordinal),
            _recentEvents.Count / RateWindow.TotalSeconds);
    }

    private void Trim(long now)
    {
        while (_recentEvents.TryPeek(out var oldest) && timeProvider.GetElapsedTime(oldest, now) > RateWindow)
        {
            _recentEvents.TryDequeue(out _);
        }
    }
}

public sealed record PipelineStatisticsSnapshot(
    IReadOnlyDictionary<string, long> RecordsByTopic,
    IReadOnlyDictionary<string, long> DeadLettersByReason,
    IReadOnlyDictionary<string, long> EventsByOutcome,
    double EventsPerSecond);
