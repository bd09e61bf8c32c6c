using System.Buffers;
using System.Text.Json;

namespace StripeCdc.Records;

/// <summary>
/// Builds record keys: <c>{"id":"…"}</c> for objects, <c>{"id":"…","item_id":"…"}</c> for fan-out children;
/// a connected account's records (SPEC §12) lead with it: <c>{"account":"acct_…","id":"…"}</c>.
/// </summary>
public static class RecordKeys
{
    public static byte[] ForObject(string? id) => Write(account: null, id, itemId: null, withItem: false);

    public static byte[] ForChild(string? parentId, string? itemId) => Write(account: null, parentId, itemId, withItem: true);

    /// <summary>An object's key; with <paramref name="account"/> (a connected account's object) it leads the key.</summary>
    public static byte[] ForObject(string? account, string? id) => Write(account, id, itemId: null, withItem: false);

    /// <summary>A fan-out child's key; with <paramref name="account"/> (a connected account's object) it leads the key.</summary>
    public static byte[] ForChild(string? account, string? parentId, string? itemId) => Write(account, parentId, itemId, withItem: true);

    // Keys are written synchronously, so one writer per thread serves every record.
    [ThreadStatic]
    private static KeyWriter? t_writer;

    private static byte[] Write(string? account, string? id, string? itemId, bool withItem)
    {
        var key = t_writer ??= new KeyWriter();
        var writer = key.Writer;
        try
        {
            writer.WriteStartObject();
            if (account is not null)
            {
                writer.WriteString("account"u8, account);
            }

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
