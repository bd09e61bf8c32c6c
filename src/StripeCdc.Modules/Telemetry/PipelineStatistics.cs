using System.Collections.Concurrent;

namespace StripeCdc.Telemetry;

/// <summary>
/// In-process totals behind the dashboard's pipeline view: records by topic, DLQ records by reason,
/// events by outcome and the recent event rate. The same numbers go to OpenTelemetry as metrics.
/// </summary>
public sealed class PipelineStatistics(TimeProvider timeProvider)
{
    private const int RateWindowSeconds = 10;
    private readonly ConcurrentDictionary<string, long> _recordsByTopic = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _deadLettersByReason = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _eventsByOutcome = new(StringComparer.Ordinal);
    // One counter per second of the window, stamped with the second it counts; no allocation per event.
    private readonly long[] _secondCounts = new long[RateWindowSeconds];
    private readonly long[] _secondStamps = new long[RateWindowSeconds];
    private readonly Lock _rateLock = new();

    public void RecordProduced(string topic) => _recordsByTopic.AddOrUpdate(topic, 1, (_, n) => n + 1);

    public void DeadLettered(string reason) => _deadLettersByReason.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void EventHandled(string outcome)
    {
        _eventsByOutcome.AddOrUpdate(outcome, 1, (_, n) => n + 1);
        var second = CurrentSecond();
        var slot = (int)(second % RateWindowSeconds);
        lock (_rateLock)
        {
            if (_secondStamps[slot] != second)
            {
                _secondStamps[slot] = second;
                _secondCounts[slot] = 0;
            }

            _secondCounts[slot]++;
        }
    }

    public PipelineStatisticsSnapshot Snapshot()
    {
        return new PipelineStatisticsSnapshot(
            new SortedDictionary<string, long>(_recordsByTopic, StringComparer.Ordinal),
            new SortedDictionary<string, long>(_deadLettersByReason, StringComparer.Ordinal),
            new SortedDictionary<string, long>(_eventsByOutcome, StringComparer.Ordinal),
            RecentEvents() / (double)RateWindowSeconds);
    }

    private long RecentEvents()
    {
        var now = CurrentSecond();
        long total = 0;
        lock (_rateLock)
        {
            for (var i = 0; i < RateWindowSeconds; i++)
            {
                if (now - _secondStamps[i] < RateWindowSeconds)
                {
                    total += _secondCounts[i];
                }
            }
        }

        return total;
    }

    private long CurrentSecond() => timeProvider.GetUtcNow().ToUnixTimeSeconds();
}

public sealed record PipelineStatisticsSnapshot(
    IReadOnlyDictionary<string, long> RecordsByTopic,
    IReadOnlyDictionary<string, long> DeadLettersByReason,
    IReadOnlyDictionary<string, long> EventsByOutcome,
    double EventsPerSecond);
