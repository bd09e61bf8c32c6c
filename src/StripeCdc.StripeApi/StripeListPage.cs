using System.Text.Json;
using StripeCdc.Events;

namespace StripeCdc.StripeApi;

/// <summary>One page of a Stripe list (<c>{"object":"list","data":[…],"has_more":…}</c>), elements kept as raw JSON slices.</summary>
internal sealed record StripeListPage(IReadOnlyList<StripeListElement> Elements, bool HasMore)
{
    public string? LastId => Elements.Count > 0 ? Elements[^1].Id : null;

    public static StripeListPage Parse(ReadOnlyMemory<byte> json)
    {
        var reader = new Utf8JsonReader(json.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A Stripe list response is not a JSON object.");
        }

        var elements = new List<StripeListElement>();
        var hasMore = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new JsonException("A Stripe list response's 'data' is not an array.");
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    var element = json[start..(int)reader.BytesConsumed];
                    elements.Add(new StripeListElement(element, StripeEventParser.ReadObjectId(element)));
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

        return new StripeListPage(elements, hasMore);
    }
}

internal readonly record struct StripeListElement(ReadOnlyMemory<byte> Json, string? Id);
