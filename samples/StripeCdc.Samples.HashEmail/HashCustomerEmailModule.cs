using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using StripeCdc.Pipeline;
using StripeCdc.Records;

namespace StripeCdc.Samples.HashEmail;

/// <summary>
/// Replaces the top-level <c>email</c> of customer records with the lowercase hex SHA-256 of the
/// trimmed, lower-cased address, so downstream systems can join on it without holding the address.
/// Runs after routing (the record exists) and before metadata; flag: <c>HashCustomerEmail</c>.
/// </summary>
public sealed class HashCustomerEmailModule : IRecordModule
{
    public string Name => "HashCustomerEmail";

    public int Order => ModuleOrder.Routing + 50;

    public ValueTask InvokeAsync(RecordContext context, RecordDelegate next)
    {
        if (context.Event.ObjectType == "customer" && context.ParentRecord is { } record)
        {
            record.Payload = HashEmail(record.Payload.Span);
        }

        return next(context);
    }

    internal static byte[] HashEmail(ReadOnlySpan<byte> customer)
    {
        var output = new ArrayBufferWriter<byte>(customer.Length);
        using var writer = new Utf8JsonWriter(output);
        var reader = new Utf8JsonReader(customer);
        reader.Read();
        writer.WriteStartObject();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isEmail = reader.ValueTextEquals("email"u8);
            var name = reader.GetString()!;
            reader.Read();
            if (isEmail && reader.TokenType == JsonTokenType.String)
            {
                writer.WriteString(name, Hash(reader.GetString()!));
                continue;
            }

            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            writer.WritePropertyName(name);
            writer.WriteRawValue(customer[start..(int)reader.BytesConsumed], skipInputValidation: true);
        }

        writer.WriteEndObject();
        writer.Flush();
        return output.WrittenSpan.ToArray();
    }

    private static string Hash(string email) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())));
}
