using System.Collections.Concurrent;
using StripeCdc.Records;
using StripeCdc.Sinks;

namespace StripeCdc.Testing;

/// <summary>A sink that keeps what it is given, with values built exactly as a real sink builds them.</summary>
internal sealed class CapturingSink : IRecordSink
{
    public ConcurrentQueue<CapturedRecord> Records { get; } = new();

    public Func<OutgoingRecord, Exception?>? FailWith { get; set; }

    public bool WritesLedger => false;

    public ValueTask<SinkWriteResult> WriteAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        foreach (var record in records)
        {
            if (FailWith?.Invoke(record) is { } failure)
            {
                throw failure;
            }

            Records.Enqueue(new CapturedRecord(
                record.Topic,
                record.Key,
                record.BuildValue(),
                record.Headers.ToDictionary(h => h.Name, h => h.Value),
                record.Role));
        }

        return ValueTask.FromResult(SinkWriteResult.Written);
    }

    /// <summary>The values written to <paramref name="topic"/>, as JSON.</summary>
    public IEnumerable<System.Text.Json.JsonElement> ValuesOf(string topic) => Records.Where(r => r.Topic == topic).Select(r => r.Json);
}

internal sealed record CapturedRecord(string Topic, byte[]? Key, byte[] Value, Dictionary<string, byte[]> Headers, RecordRole Role)
{
    public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Value).RootElement;

    public System.Text.Json.JsonElement KeyJson => System.Text.Json.JsonDocument.Parse(Key!).RootElement;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? System.Text.Encoding.UTF8.GetString(value) : null;
}
