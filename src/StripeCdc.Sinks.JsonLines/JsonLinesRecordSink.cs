using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StripeCdc.Records;

namespace StripeCdc.Sinks.JsonLines;

/// <summary>
/// Appends each record as one JSON line to <c>&lt;folder&gt;/&lt;topic&gt;.jsonl</c>:
/// <c>{"key":…,"headers":{…},"value":…}</c>. Values that are not JSON (a DLQ record of garbage) are
/// and dead-letter values (kept byte for byte) are written as <c>"value_base64"</c>. A batch returns after it is flushed to disk.
/// </summary>
internal sealed class JsonLinesRecordSink(IOptions<JsonLinesSinkOptions> options) : IRecordSink, IDisposable
{
    private readonly ConcurrentDictionary<string, TopicFile> _files = new(StringComparer.Ordinal);

    public bool WritesLedger => false;

    public async ValueTask<SinkWriteResult> WriteAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        foreach (var group in records.GroupBy(r => r.Topic, StringComparer.Ordinal))
        {
            var file = _files.GetOrAdd(group.Key, topic => new TopicFile(Path.Combine(options.Value.Folder, topic + ".jsonl")));
            await file.AppendAsync(group.Select(Serialize), cancellationToken);
        }

        return SinkWriteResult.Written;
    }

    public void Dispose()
    {
        foreach (var file in _files.Values)
        {
            file.Dispose();
        }
    }

    private static byte[] Serialize(OutgoingRecord record)
    {
        var value = record.BuildValue();
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("key"u8);
            if (record.Key is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteRawValue(record.Key);
            }

            writer.WriteStartObject("headers"u8);
            foreach (var header in record.Headers)
            {
                writer.WriteString(header.Name, System.Text.Encoding.UTF8.GetString(header.Value));
            }

            writer.WriteEndObject();
            if (record.Role != RecordRole.DeadLetter && TryParse(value, out var document))
            {
                using (document)
                {
                    writer.WritePropertyName("value"u8);
                    document.WriteTo(writer);
                }
            }
            else
            {
                writer.WriteBase64String("value_base64"u8, value);
            }

            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static bool TryParse(byte[] value, out JsonDocument document)
    {
        try
        {
            document = JsonDocument.Parse(value);
            return true;
        }
        catch (JsonException)
        {
            document = null!;
            return false;
        }
    }

    private sealed class TopicFile(string path) : IDisposable
    {
        private readonly SemaphoreSlim _lock = new(1, 1);
        private FileStream? _stream;

        public async Task AppendAsync(IEnumerable<byte[]> lines, CancellationToken cancellationToken)
        {
            await _lock.WaitAsync(cancellationToken);
            try
            {
                if (_stream is null)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                }

                _stream ??= new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
                foreach (var line in lines)
                {
                    await _stream.WriteAsync(line, cancellationToken);
                }

                _stream.Flush(flushToDisk: true);
            }
            finally
            {
                _lock.Release();
            }
        }

        public void Dispose()
        {
            _stream?.Dispose();
            _lock.Dispose();
        }
    }
}
