using System.Text.Json;
using System.Text.Unicode;

namespace StripeCdc.Events;

/// <summary>
/// Reads a Stripe event's envelope with one forward pass of <see cref="Utf8JsonReader"/>, validating
/// the whole body as JSON but materialising only the few strings the pipeline needs.
/// </summary>
public static class StripeEventParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public static StripeEvent Parse(ReadOnlyMemory<byte> body)
    {
        if (!Utf8.IsValid(body.Span))
        {
            throw new MalformedEventException("The body is not valid UTF-8.");
        }

        try
        {
            return ParseEnvelope(body);
        }
        catch (JsonException ex)
        {
            throw new MalformedEventException($"The body is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>The top-level <c>id</c> of a JSON object, or null.</summary>
    public static string? ReadObjectId(ReadOnlyMemory<byte> json)
    {
        var reader = new Utf8JsonReader(json.Span, ReaderOptions);
        return reader.Read() && reader.TokenType == JsonTokenType.StartObject
            ? ReadIdentity(ref reader, "object"u8).Id
            : null;
    }

    private static StripeEvent ParseEnvelope(ReadOnlyMemory<byte> body)
    {
        var reader = new Utf8JsonReader(body.Span, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new MalformedEventException("The body is not a JSON object.");
        }

        string? id = null, type = null, objectKind = null, account = null, apiVersion = null;
        long? created = null;
        var livemode = false;
        var data = default(DataFields);
        var related = default(ObjectIdentity);

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                id = ReadString(ref reader, "id");
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                type = ReadString(ref reader, "type");
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                objectKind = ReadOptionalString(ref reader);
            }
            else if (reader.ValueTextEquals("account"u8))
            {
                account = ReadOptionalString(ref reader);
            }
            else if (reader.ValueTextEquals("api_version"u8))
            {
                apiVersion = ReadOptionalString(ref reader);
            }
            else if (reader.ValueTextEquals("created"u8))
            {
                reader.Read();
                created = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seconds) ? seconds : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("livemode"u8))
            {
                reader.Read();
                livemode = reader.TokenType == JsonTokenType.True;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    data = ReadData(ref reader, body);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("related_object"u8))
            {
                reader.Read();
                related = reader.TokenType == JsonTokenType.StartObject ? ReadIdentity(ref reader, "type"u8) : default;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Reading past the end makes the reader reject trailing content after the object.
        while (reader.Read())
        {
        }

        if (id is null)
        {
            throw new MalformedEventException("The event has no string 'id'.");
        }

        if (type is null)
        {
            throw new MalformedEventException("The event has no string 'type'.");
        }

        var isThin = objectKind == StripeEvent.ThinEventObject;
        if (!isThin && data.Object.IsEmpty)
        {
            throw new MalformedEventException("The event has no 'data.object' JSON object.");
        }

        return new StripeEvent
        {
            Id = id,
            Type = type,
            Object = objectKind,
            Account = account,
            ApiVersion = apiVersion,
            Created = created,
            Livemode = livemode,
            DataObject = data.Object,
            PreviousAttributes = data.PreviousAttributes,
            ObjectId = data.Identity.Id,
            ObjectType = data.Identity.Type,
            ObjectCustomer = data.Identity.Customer,
            RelatedObjectId = related.Id,
            RelatedObjectType = related.Type,
        };
    }

    private static DataFields ReadData(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body)
    {
        var fields = default(DataFields);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("object"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    var start = (int)reader.TokenStartIndex;
                    fields.Identity = ReadIdentity(ref reader, "object"u8);
                    reader.Skip();
                    fields.Object = body[start..(int)reader.BytesConsumed];
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("previous_attributes"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                var isObject = reader.TokenType == JsonTokenType.StartObject;
                reader.Skip();
                if (isObject)
                {
                    fields.PreviousAttributes = body[start..(int)reader.BytesConsumed];
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return fields;
    }

    /// <summary>
    /// Reads the <c>id</c> and type members of an object whose start token is current, stopping on its
    /// end token.
    /// </summary>
    private static ObjectIdentity ReadIdentity(ref Utf8JsonReader reader, ReadOnlySpan<byte> typeProperty)
    {
        var identity = default(ObjectIdentity);
        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.ValueTextEquals("id"u8))
            {
                identity.Id = ReadOptionalString(ref reader);
            }
            else if (reader.ValueTextEquals(typeProperty))
            {
                identity.Type = ReadOptionalString(ref reader);
            }
            else if (identity.Id is null && reader.ValueTextEquals("customer"u8))
            {
                // Only an object without an id needs it (its key, see StripeEvent.ObjectKeyId); Stripe writes id first.
                identity.Customer = ReadOptionalString(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return identity;
    }

    private static string ReadString(ref Utf8JsonReader reader, string name)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new MalformedEventException($"The event's '{name}' is not a string.");
        }

        return reader.GetString()!;
    }

    private static string? ReadOptionalString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    private struct DataFields
    {
        public ReadOnlyMemory<byte> Object;
        public ReadOnlyMemory<byte> PreviousAttributes;
        public ObjectIdentity Identity;
    }

    private struct ObjectIdentity
    {
        public string? Id;
        public string? Type;
        public string? Customer;
    }
}
