using System.Reflection;

namespace StripeCdc.StripeApi;

/// <summary>
/// Which live event types carry which object type, as the pinned Stripe.net client knows them: the rule the
/// snapshot catalogue types its records by, and the Postgres sink tells single-type tables by.
/// </summary>
internal static class StripeEventPrefixes
{
    /// <summary>Every event type of <c>Stripe.EventTypes</c> (<c>customer.subscription.updated</c>, …).</summary>
    public static IReadOnlyCollection<string> LiveEventTypes { get; } =
        [.. typeof(Stripe.EventTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)];

    private static readonly Lazy<Dictionary<string, string>> Pinned = new(() => Of(LiveEventTypes));

    /// <summary>The prefixes of <see cref="LiveEventTypes"/> by object type (see <see cref="Of"/>).</summary>
    public static IReadOnlyDictionary<string, string> Default => Pinned.Value;

    /// <summary>
    /// The prefix of each object type's live event types: the event type less its action, when the object
    /// type names it exactly (<c>checkout.session</c>, <c>issuing_card</c> for <c>issuing.card</c>) or, failing
    /// that, ends it (<c>customer.subscription</c> for <c>subscription</c>, <c>charge.dispute</c> for <c>dispute</c>).
    /// An object type without live events keeps its own name.
    /// </summary>
    public static Dictionary<string, string> Of(IReadOnlyCollection<string> liveEventTypes)
    {
        var prefixes = liveEventTypes
            .Where(t => t.Contains('.', StringComparison.Ordinal))
            .Select(t => t[..t.LastIndexOf('.')])
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return new Dictionary<string, string>(Stripe.StripeTypeRegistry.ObjectsToTypes.Keys.Select(objectType =>
        {
            var flat = Flatten(objectType);
            var exact = prefixes.FirstOrDefault(p => Flatten(p) == flat);
            var ending = prefixes
                .Where(p => Flatten(p).EndsWith("_" + flat, StringComparison.Ordinal) && !Stripe.StripeTypeRegistry.ObjectsToTypes.Keys.Any(o => Flatten(o) == Flatten(p)))
                .OrderBy(p => p.Length)
                .FirstOrDefault();
            return new KeyValuePair<string, string>(objectType, exact ?? ending ?? objectType);
        }), StringComparer.Ordinal);

        static string Flatten(string name) => name.Replace('.', '_');
    }
}
