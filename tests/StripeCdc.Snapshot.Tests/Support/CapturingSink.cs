using System.Collections.Concurrent;
using System.Text.Json;
using StripeCdc.Records;
using StripeCdc.Sinks;

namespace StripeCdc.Snapshot.Tests.Support;

/// <summary>A sink that keeps the records, values built as a real sink builds them (for tests that need no Kafka).</summary>
internal sealed class CapturingSink : IRecordSink
{
    public ConcurrentQueue<(string Topic, byte[] Key, byte[] Value, Dictionary<string, string> Headers)> Records { get; } = new();

    public bool WritesLedger => false;

    public ValueTask<SinkWriteResult> WriteAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        foreach (var record in records)
        {
            Records.Enqueue((record.Topic, record.Key ?? [], record.BuildValue(), record.Headers.ToDictionary(h => h.Name, h => System.Text.Encoding.UTF8.GetString(h.Value))));
        }

        return ValueTask.FromResult(SinkWriteResult.Written);
    }

    public IEnumerable<JsonElement> ValuesOf(string topic) =>
        Records.Where(r => r.Topic == topic).Select(r => JsonDocument.Parse(r.Value).RootElement);
}
