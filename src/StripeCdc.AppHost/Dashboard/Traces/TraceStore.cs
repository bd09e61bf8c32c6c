using System.Collections.Concurrent;

namespace StripeCdc.AppHost.Dashboard.Traces;

/// <summary>The most recent traces received by the dashboard, bounded in count.</summary>
internal sealed class TraceStore
{
    private const int MaxTraces = 1000;
    private readonly ConcurrentDictionary<string, List<SpanData>> _traces = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public void Add(IEnumerable<SpanData> spans)
    {
        foreach (var span in spans)
        {
            var list = _traces.GetOrAdd(span.TraceId, id =>
            {
                _order.Enqueue(id);
                return [];
            });
            lock (list)
            {
                list.Add(span);
            }
        }

        while (_order.Count > MaxTraces && _order.TryDequeue(out var oldest))
        {
            _traces.TryRemove(oldest, out _);
        }
    }

    public IReadOnlyList<SpanData> Get(string traceId)
    {
        if (!_traces.TryGetValue(traceId, out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list.OrderBy(s => s.Start)];
        }
    }

    /// <summary>Trace summaries, newest first: the root span's name, services, span count, duration.</summary>
    public IReadOnlyList<TraceSummary> List(int limit = 200)
    {
        var summaries = new List<TraceSummary>();
        foreach (var (id, list) in _traces)
        {
            SpanData[] spans;
            lock (list)
            {
                spans = [.. list];
            }

            var ids = spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
            var root = spans.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).MinBy(s => s.Start) ?? spans[0];
            var start = spans.Min(s => s.Start);
            var end = spans.Max(s => s.End);
            summaries.Add(new TraceSummary(
                id,
                root.Name,
                [.. spans.Select(s => s.Service).Distinct(StringComparer.Ordinal)],
                spans.Length,
                start,
                (end - start).TotalMilliseconds,
                spans.Any(s => s.IsError)));
        }

        return [.. summaries.OrderByDescending(s => s.Start).Take(limit)];
    }
}

internal sealed record TraceSummary(string TraceId, string Name, IReadOnlyList<string> Services, int SpanCount, DateTimeOffset Start, double DurationMs, bool HasError);
