using StripeCdc.Configuration;
using StripeCdc.Sinks;

namespace StripeCdc.StripeApi.Revalidation;

/// <summary>
/// Re-reads a tied object from the Stripe API (SPEC §10) through the source's budgeted client:
/// <c>GET /v1/&lt;objects&gt;/&lt;id&gt;</c> for the object types that can be fetched by id, as the connected
/// account the object belongs to when it is one's (<c>Stripe-Account</c>, SPEC §12). Null when the
/// source has no <c>StripeApiKey</c>, the type has no such endpoint, or the object is gone.
/// </summary>
internal sealed class StripeObjectRevalidator(StripeApiClients clients, SourceCatalog sources) : IObjectRevalidator
{
    private static readonly Dictionary<string, string> Paths = new(StringComparer.Ordinal)
    {
        ["customer"] = "/v1/customers/",
        ["charge"] = "/v1/charges/",
        ["payment_intent"] = "/v1/payment_intents/",
        ["invoice"] = "/v1/invoices/",
        ["subscription"] = "/v1/subscriptions/",
        ["product"] = "/v1/products/",
        ["price"] = "/v1/prices/",
        ["payout"] = "/v1/payouts/",
        ["refund"] = "/v1/refunds/",
        ["payment_method"] = "/v1/payment_methods/",
        ["balance_transaction"] = "/v1/balance_transactions/",
        ["coupon"] = "/v1/coupons/",
        ["plan"] = "/v1/plans/",
        ["setup_intent"] = "/v1/setup_intents/",
        ["dispute"] = "/v1/disputes/",
        ["credit_note"] = "/v1/credit_notes/",
        ["checkout.session"] = "/v1/checkout/sessions/",
    };

    // Objects without an id: the account's one object, read without an id.
    private static readonly Dictionary<string, string> Singletons = new(StringComparer.Ordinal)
    {
        ["balance"] = "/v1/balance",
    };

    public async ValueTask<ReadOnlyMemory<byte>?> ReadAsync(string source, string objectType, string objectId, string? account, CancellationToken cancellationToken)
    {
        if (sources.Find(source) is not { } settings || !StripeApiClients.CanCall(settings) || Resolve(objectType, objectId) is not { } path)
        {
            return null;
        }

        try
        {
            var json = await clients.For(settings).GetAsync(path, [], cancellationToken, account);

            // A deleted customer still answers 200 with {"id":…,"deleted":true}: the stored row knows better.
            return json.AsSpan().IndexOf("\"deleted\":true"u8) >= 0 ? null : json;
        }
        catch (StripeApiException ex) when (ex.StatusCode == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// The path that reads the object. <paramref name="objectType"/> is the object type or its event types' prefix
    /// (<c>checkout.session</c>, <c>charge.dispute</c>); a singleton (<c>balance</c>, keyed by its type) has no id in its path.
    /// </summary>
    internal static string? Resolve(string objectType, string objectId)
    {
        if (Singletons.TryGetValue(objectType, out var singleton))
        {
            return objectId == objectType ? singleton : null;
        }

        var type = Paths.ContainsKey(objectType) ? objectType : objectType[(objectType.LastIndexOf('.') + 1)..];
        return Paths.TryGetValue(type, out var path) ? path + Uri.EscapeDataString(objectId) : null;
    }
}
