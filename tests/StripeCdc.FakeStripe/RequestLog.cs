using System.Collections.Concurrent;

namespace StripeCdc.FakeStripe;

/// <summary>Every request the fake received, in arrival order, for assertions on rates and retries.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<LoggedRequest> _requests = new();

    public IReadOnlyList<LoggedRequest> Requests => [.. _requests];

    public int Count => _requests.Count;

    public void Add(LoggedRequest request) => _requests.Enqueue(request);

    public void Clear() => _requests.Clear();

    /// <summary>The largest number of requests that arrived within any window of <paramref name="window"/>.</summary>
    public int MaxInAnyWindow(TimeSpan window)
    {
        var times = _requests.Select(r => r.At).Order().ToArray();
        var max = 0;
        var start = 0;
        for (var end = 0; end < times.Length; end++)
        {
            while (times[end] - times[start] >= window)
            {
                start++;
            }

            max = Math.Max(max, end - start + 1);
        }

        return max;
    }
}
