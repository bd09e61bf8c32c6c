using System.Buffers;
using System.Text.Json;

namespace StripeCdc.Records;

/// <summary>Builds record keys: <c>{"id":"…"}</c> for objects, <c>{"id":"…","item_id":"…"}</c> for fan-out children.</summary>
public static class RecordKeys
{
    public static byte[] ForObject(string? id) => Write(id, itemId: null, withItem: false);

    public static byte[] ForChild(string? parentId, string? itemId) => Write(parentId, itemId, withItem: true);

    private static byte[] Write(string? id, string? itemId, bool withItem)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, id);
            if (withItem)
            {
                writer.WriteString("item_id"u8, itemId);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
