using System.Buffers;
using System.Text.Json;

namespace StripeCdc.Events;

/// <summary>
/// Wraps an object read from the Stripe API (by a snapshot, or a tie's re-read) in a synthetic v1 event
/// so the webhook path's modules (routing, metadata, fan-out) produce its records:
/// <c>{"id":"snapshot:&lt;run&gt;:&lt;resource&gt;:&lt;object id&gt;","object":"event","type":"&lt;event type prefix&gt;.snapshot","created":&lt;read time&gt;,"data":{"object":…}}</c>.
/// The run id makes a later snapshot's ids differ from this one's (a dedupe ledger must not hide them),
/// while a resumed run re-emits a page under the same ids.
/// </summary>
public static class SnapshotEnvelope
{
    public static string EventId(string runId, string resource, string? objectId) => $"snapshot:{runId}:{resource}:{objectId}";

    /// <param name="account">The connected account the object was read for (<c>Stripe-Account</c>), written as the event's
    /// <c>account</c> so its records are keyed as that account's live events are (SPEC §12); null for the platform's own.</param>
    public static byte[] Build(string eventId, string eventType, ReadOnlySpan<byte> dataObject, long readAtUnixSeconds, string? apiVersion, bool livemode, string? account = null)
    {
        var buffer = new ArrayBufferWriter<byte>(dataObject.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, eventId);
            writer.WriteString("object"u8, "event"u8);
            if (account is not null)
            {
                writer.WriteString("account"u8, account);
            }

            writer.WriteString("api_version"u8, apiVersion);
            writer.WriteNumber("created"u8, readAtUnixSeconds);
            writer.WriteStartObject("data"u8);
            writer.WritePropertyName("object"u8);
            writer.WriteRawValue(dataObject, skipInputValidation: true);
            writer.WriteEndObject();
            writer.WriteBoolean("livemode"u8, livemode);
            writer.WriteString("type"u8, eventType);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
