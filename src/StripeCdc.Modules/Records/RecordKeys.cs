using System.Buffers;
using System.Text.Json;

namespace StripeCdc.Records;

/// <summary>Builds record keys: <c>{"id":"…"}</c> for objects, <c>{"id":"…","item_id":"…"}</c> for fan-out children.</summary>
public static class RecordKeys
{
    public static byte[] ForObject(string? id) => Write(id, itemId: null, withItem: false);

    public static byte[] ForChild(string? parentId, string? itemId) => Write(parentId, itemId, withItem: true);

    // Keys are written synchronously, so one writer per thread serves every record.
    [ThreadStatic]
    private static KeyWriter? t_writer;

    private static byte[] Write(string? id, string? itemId, bool withItem)
    {
        var key = t_writer ??= new KeyWriter();
        var writer = key.Writer;
        try
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, id);
            if (withItem)
            {
                writer.WriteString("item_id"u8, itemId);
            }

            writer.WriteEndObject();
            writer.Flush();
            return key.Buffer.WrittenSpan.ToArray();
        }
        finally
        {
            writer.Reset();
            key.Buffer.ResetWrittenCount();
        }
    }

    private sealed class KeyWriter
    {
        public KeyWriter() => Writer = new Utf8JsonWriter(Buffer);

        public ArrayBufferWriter<byte> Buffer { get; } = new(128);

        public Utf8JsonWriter Writer { get; }
    }
}
