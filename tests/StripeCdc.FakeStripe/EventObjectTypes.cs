using System.Reflection;

namespace StripeCdc.FakeStripe;

/// <summary>
/// The object type each event type carries in <c>data.object</c>: the longest tail of the type less its
/// action that names an object type of Stripe.net's registry, with <c>_</c> and <c>.</c> alike
/// (<c>customer.subscription.updated</c> → <c>subscription</c>, <c>issuing_card.created</c> → <c>issuing.card</c>,
/// <c>source.transaction.created</c> → <c>source_transaction</c>), and a short table for the irregular ones.
/// </summary>
public static class EventObjectTypes
{
    /// <summary>Event types (or their prefix less the action) whose object the rule would get wrong or not find.</summary>
    private static readonly Dictionary<string, string> Irregular = new(StringComparer.Ordinal)
    {
        // The rule would find "account": an external account is a bank account (or a card).
        ["account.external_account"] = "bank_account",
        // The rule would find "refund": an application fee's refund is its own type.
        ["application_fee.refund"] = "fee_refund",
        // The alert's trigger, not the alert.
        ["billing.alert.triggered"] = "billing.alert_triggered",
        // A customer's payment source: a card, the common case (also a bank account or a source).
        ["customer.source"] = "card",
        ["source.mandate_notification"] = "source_mandate_notification",
        // Stripe documents no object for a ping; the account is a plausible one.
        ["ping"] = "account",
    };

    private static readonly Dictionary<string, string> ByFlatName = Stripe.StripeTypeRegistry.ObjectsToTypes.Keys
        .ToDictionary(Flatten, k => k, StringComparer.Ordinal);

    /// <summary>Every event type Stripe.net defines (<c>Stripe.EventTypes</c>).</summary>
    public static IReadOnlyList<string> All { get; } =
        [.. typeof(Stripe.EventTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal)];

    /// <summary>The object type of an event type's <c>data.object</c>, or null when neither the rule nor the table knows it.</summary>
    public static string? ObjectType(string eventType)
    {
        if (Irregular.TryGetValue(eventType, out var irregular))
        {
            return irregular;
        }

        var dot = eventType.LastIndexOf('.');
        if (dot < 0)
        {
            return null;
        }

        var prefix = eventType[..dot];
        if (Irregular.TryGetValue(prefix, out irregular))
        {
            return irregular;
        }

        // The longest tail first: "source.transaction" before "transaction".
        for (var start = 0; start >= 0; start = NextSegment(prefix, start))
        {
            if (ByFlatName.TryGetValue(Flatten(prefix[start..]), out var objectType))
            {
                return objectType;
            }
        }

        return null;
    }

    private static int NextSegment(string prefix, int start)
    {
        var dot = prefix.IndexOf('.', start);
        return dot < 0 ? -1 : dot + 1;
    }

    private static string Flatten(string name) => name.Replace('.', '_');
}
