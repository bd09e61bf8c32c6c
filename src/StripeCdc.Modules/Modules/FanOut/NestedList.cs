using System.Text.Json;

namespace StripeCdc.Modules.FanOut;

/// <summary>A Stripe list object embedded in a parent (<c>{"object":"list","data":[…],"has_more":…}</c>).</summary>
internal readonly record struct NestedList(IReadOnlyList<NestedListElement> Elements, bool HasMore)
{
    /// <summary>Finds the list in the parent's top-level property <paramref name="field"/>; null when absent or not a list.</summary>
    public static NestedList? Find(ReadOnlyMemory<byte> parent, string field)
    {
        var reader = new Utf8JsonReader(parent.Span);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isField = reader.ValueTextEquals(field);
            reader.Read();
            if (isField && reader.TokenType == JsonTokenType.StartObject)
            {
                return ReadList(ref reader, parent);
            }

            reader.Skip();
        }

        return null;
    }

    private static NestedList? ReadList(ref Utf8JsonReader reader, ReadOnlyMemory<byte> parent)
    {
        var elements = new List<NestedListElement>();
        var hasMore = false;
        var sawData = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                sawData = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var start = (int)reader.TokenStartIndex;
                    var isObject = reader.TokenType == JsonTokenType.StartObject;
                    var id = isObject ? ReadId(ref reader) : null;
                    reader.Skip();
                    if (isObject)
                    {
                        elements.Add(new NestedListElement(parent[start..(int)reader.BytesConsumed], id));
                    }
                }
            }
            else if (reader.ValueTextEquals("has_more"u8))
            {
                reader.Read();
                hasMore = reader.TokenType == JsonTokenType.True;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return sawData ? new NestedList(elements, hasMore) : null;
    }

    private static string? ReadId(ref Utf8JsonReader reader)
    {
        string? id = null;
        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.TokenType == JsonTokenType.String ? reader.GetString() : id;
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        return id;
    }
}

internal readonly record struct NestedListElement(ReadOnlyMemory<byte> Json, string? Id);
