using System.Text.Json;

namespace StripeCdc.Records;

/// <summary>
/// A record on its way to a sink. Its value is a JSON payload (usually a slice of the event body) plus
/// fields that modules append; the two are joined once, by <see cref="BuildValue"/>, so the payload is
/// copied exactly once and never re-serialised.
/// </summary>
public sealed class OutgoingRecord
{
    private AppendedFieldsWriter? _fields;
    private byte[]? _value;

    public OutgoingRecord(string topic, byte[]? key, ReadOnlyMemory<byte> payload, RecordRole role = RecordRole.Parent)
    {
        Topic = topic;
        Key = key;
        Payload = payload;
        Role = role;
    }

    public string Topic { get; set; }

    /// <summary>The record key's bytes; null for a record without a key (DLQ records).</summary>
    public byte[]? Key { get; set; }

    /// <summary>The JSON object the value is built from, or raw bytes copied verbatim when no field is appended.</summary>
    public ReadOnlyMemory<byte> Payload { get; set; }

    public RecordRole Role { get; }

    public List<RecordHeader> Headers { get; } = [];

    /// <summary>The event the record comes from; the pipeline sets it on every record before the sink sees them.</summary>
    public RecordOrigin? Origin { get; set; }

    /// <summary>
    /// On a parent record: the fan-out topics whose child records of this event are the complete list,
    /// so a state-table sink can remove children that are no longer in it (an empty list has no records).
    /// </summary>
    public List<string>? CompleteChildTopics { get; set; }

    /// <summary>
    /// A writer positioned inside the value's top-level object: write properties with it and they are
    /// appended after the payload's own fields.
    /// </summary>
    public Utf8JsonWriter Fields
    {
        get
        {
            if (_value is not null)
            {
                throw new InvalidOperationException("The record's value is built; no more fields can be appended.");
            }

            return (_fields ??= AppendedFieldsWriter.Rent()).Writer;
        }
    }

    public void SetHeader(string name, byte[] value)
    {
        var index = Headers.FindIndex(h => h.Name == name);
        if (index >= 0)
        {
            Headers[index] = new RecordHeader(name, value);
        }
        else
        {
            Headers.Add(new RecordHeader(name, value));
        }
    }

    public byte[]? FindHeader(string name) => Headers.Find(h => h.Name == name).Value;

    /// <summary>Joins the payload and the appended fields into the final value bytes (once; later calls return the same bytes).</summary>
    public byte[] BuildValue() => _value ??= Join();

    private byte[] Join()
    {
        if (_fields is null)
        {
            return Payload.ToArray();
        }

        var payload = Payload.Span;
        var close = payload.LastIndexOf((byte)'}');
        if (close < 0)
        {
            throw new InvalidOperationException("Fields can only be appended to a JSON object payload.");
        }

        var appended = _fields.Complete();
        var body = payload[..close].TrimEnd(" \t\r\n"u8);
        var needsComma = body.Length > 1 && appended.Length > 1;
        var value = new byte[body.Length + (needsComma ? 1 : 0) + appended.Length];
        body.CopyTo(value);
        if (needsComma)
        {
            value[body.Length] = (byte)',';
        }

        appended.CopyTo(value.AsSpan(value.Length - appended.Length));
        _fields.Return();
        _fields = null;
        return value;
    }
}

public enum RecordRole
{
    /// <summary>The record of the event's object itself.</summary>
    Parent,

    /// <summary>A fan-out child record.</summary>
    Child,

    /// <summary>A dead-letter record carrying the original body.</summary>
    DeadLetter,
}

public readonly record struct RecordHeader(string Name, byte[] Value);
