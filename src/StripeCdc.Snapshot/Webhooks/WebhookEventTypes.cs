using System.Reflection;
using Stripe;

namespace StripeCdc.Snapshot.Webhooks;

/// <summary>
/// The <c>enabled_events</c> of a source's webhook endpoint (SPEC §7): every event type Stripe.net knows
/// whose resource is selected — the first segment of the type (<c>customer.subscription.updated</c> →
/// <c>customer</c>) or the object named before the action (→ <c>subscription</c>, for <c>Routing=ObjectType</c>);
/// <c>*</c> when the resources include <c>*</c>.
/// </summary>
internal static class WebhookEventTypes
{
    private static readonly Lazy<string[]> Known = new(() =>
        [.. typeof(EventTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal)]);

    public static IReadOnlyList<string> For(IEnumerable<string> resources)
    {
        var selected = resources.Select(r => r.Trim()).Where(r => r.Length > 0).ToHashSet(StringComparer.Ordinal);
        if (selected.Contains("*"))
        {
            return ["*"];
        }

        return [.. Known.Value.Where(type => selected.Contains(FirstSegment(type)) || selected.Contains(ObjectSegment(type)))];
    }

    private static string FirstSegment(string type) => type.Split('.')[0];

    private static string ObjectSegment(string type)
    {
        var parts = type.Split('.');
        return parts.Length >= 2 ? parts[^2] : parts[0];
    }
}
