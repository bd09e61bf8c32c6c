using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace StripeCdc.FakeStripe;

/// <summary>
/// v1 (snapshot) events as Stripe delivers them: <c>id</c>, <c>object</c>, <c>api_version</c> (Stripe.net's
/// pinned one), <c>created</c>, <c>data.object</c>, <c>data.previous_attributes</c> on updates, <c>livemode</c>,
/// <c>pending_webhooks</c>, <c>request</c> and <c>type</c>.
/// </summary>
public static class RealisticEvents
{
    /// <summary>How Stripe writes JSON: UTF-8 as is, no <c>\u002B</c> for <c>+</c>.</summary>
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Create(string eventType, JsonObject dataObject, string eventId, long created)
    {
        var data = new JsonObject { ["object"] = dataObject.DeepClone() };
        if (eventType.EndsWith(".updated", StringComparison.Ordinal))
        {
            data["previous_attributes"] = PreviousAttributes(dataObject);
        }

        var envelope = new JsonObject
        {
            ["id"] = eventId,
            ["object"] = "event",
            ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
            ["created"] = created,
            ["data"] = data,
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject
            {
                ["id"] = "req_" + eventId[4..Math.Min(eventId.Length, 18)],
                ["idempotency_key"] = Guid.NewGuid().ToString(),
            },
            ["type"] = eventType,
        };
        return envelope.ToJsonString(Json);
    }

    /// <summary>What an update changed: the metadata, and the first plain text field, as they were before.</summary>
    private static JsonObject PreviousAttributes(JsonObject dataObject)
    {
        var previous = new JsonObject();
        if (dataObject.ContainsKey("metadata"))
        {
            previous["metadata"] = new JsonObject();
        }

        var text = dataObject.FirstOrDefault(p => p.Key is not ("id" or "object") && p.Value is JsonValue v && v.TryGetValue<string>(out _));
        if (text.Value is not null)
        {
            previous[text.Key] = "previous " + text.Value.GetValue<string>();
        }

        return previous;
    }
}
