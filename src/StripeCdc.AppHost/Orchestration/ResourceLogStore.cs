using System.Collections.Concurrent;

namespace StripeCdc.AppHost.Orchestration;

/// <summary>The recent console output of each resource, numbered so readers can follow it live.</summary>
internal sealed class ResourceLogStore
{
    private const int Capacity = 2000;
    private readonly ConcurrentDictionary<string, Buffer> _buffers = new(StringComparer.OrdinalIgnoreCase);

    public void Append(string resource, string line, bool isError) =>
        _buffers.GetOrAdd(resource, _ => new Buffer()).Append(line, isError);

    /// <summary>Lines with a sequence number greater than <paramref name="after"/>.</summary>
    public IReadOnlyList<LogLine> Read(string resource, long after = 0) =>
        _buffers.TryGetValue(resource, out var buffer) ? buffer.Read(after) : [];

    private sealed class Buffer
    {
        private readonly Queue<LogLine> _lines = new();
        private readonly Lock _lock = new();
        private long _sequence;

        public void Append(string text, bool isError)
        {
            lock (_lock)
            {
                _lines.Enqueue(new LogLine(++_sequence, DateTimeOffset.UtcNow, text, isError));
                if (_lines.Count > Capacity)
                {
                    _lines.Dequeue();
                }
            }
        }

        public IReadOnlyList<LogLine> Read(long after)
        {
            lock (_lock)
            {
                return [.. _lines.Where(l => l.Sequence > after)];
            }
        }
    }
}

internal sealed record LogLine(long Sequence, DateTimeOffset Time, string Text, bool IsError);
