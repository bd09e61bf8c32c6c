using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;

namespace StripeCdc.Records;

/// <summary>
/// A JSON writer positioned inside an object, with its buffer, for the fields modules append to a
/// record. Pooled: every record of every event needs one for a few microseconds, and allocating the
/// pair each time was a tenth of the pipeline's garbage.
/// </summary>
internal sealed class AppendedFieldsWriter
{
    private const int MaxPooled = 256;
    private const int MaxRetainedBytes = 16 * 1024;

    private static readonly ConcurrentQueue<AppendedFieldsWriter> Pool = new();

    private readonly ArrayBufferWriter<byte> _buffer = new(256);

    private AppendedFieldsWriter() => Writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });

    public Utf8JsonWriter Writer { get; }

    public static AppendedFieldsWriter Rent()
    {
        var fields = Pool.TryDequeue(out var pooled) ? pooled : new AppendedFieldsWriter();
        fields.Writer.WriteStartObject();
        return fields;
    }

    /// <summary>Closes the object and returns the properties written, without the braces' opening one (valid until <see cref="Return"/>).</summary>
    public ReadOnlySpan<byte> Complete()
    {
        Writer.WriteEndObject();
        Writer.Flush();
        return _buffer.WrittenSpan[1..]; // drop '{'; keeps the closing '}'
    }

    public void Return()
    {
        Writer.Reset();
        _buffer.ResetWrittenCount();
        if (_buffer.Capacity <= MaxRetainedBytes && Pool.Count < MaxPooled)
        {
            Pool.Enqueue(this);
        }
    }
}
