namespace StripeCdc.Snapshot.Snapshots;

/// <summary>
/// A resource that can be snapshotted (SPEC §6): its list endpoint, the filters it needs, and the prefix
/// of its live event types. A snapshot record is typed <c>&lt;prefix&gt;.snapshot</c>, so routing sends it
/// where the object's live events go (SPEC §3, snapshot parity): a subscription's events are
/// <c>customer.subscription.*</c>, every other resource's are <c>&lt;name&gt;.*</c>.
/// </summary>
internal sealed record SnapshotResource(
    string Name,
    string ListPath,
    IReadOnlyList<KeyValuePair<string, string>> Query,
    bool WalksCustomers = false,
    string? EventPrefix = null)
{
    public static readonly IReadOnlyList<SnapshotResource> All =
    [
        new("customer", "/v1/customers", []),
        new("charge", "/v1/charges", []),
        new("payment_intent", "/v1/payment_intents", []),
        new("invoice", "/v1/invoices", []),
        // Without status=all the list leaves out cancelled subscriptions.
        new("subscription", "/v1/subscriptions", [new("status", "all")], EventPrefix: "customer.subscription"),
        new("product", "/v1/products", []),
        new("price", "/v1/prices", []),
        new("payout", "/v1/payouts", []),
        new("refund", "/v1/refunds", []),
        // Listed per customer: /v1/customers/{id}/payment_methods.
        new("payment_method", "/v1/customers/{customer}/payment_methods", [], WalksCustomers: true),
        new("balance_transaction", "/v1/balance_transactions", []),
        new("coupon", "/v1/coupons", []),
        new("plan", "/v1/plans", []),
        new("setup_intent", "/v1/setup_intents", []),
    ];

    /// <summary>The prefix of the object's live event types: <c>customer.subscription</c> for a subscription.</summary>
    public string EventTypePrefix => EventPrefix ?? Name;

    /// <summary>The synthetic event type of a snapshot read: <c>customer.subscription.snapshot</c>.</summary>
    public string SnapshotEventType => EventTypePrefix + ".snapshot";

    /// <summary>The resource a live event of this object is routed by under <paramref name="routing"/> (SPEC §3).</summary>
    public string RoutedResource(Configuration.RoutingMode routing)
    {
        if (routing == Configuration.RoutingMode.ObjectType)
        {
            return Name;
        }

        var dot = EventTypePrefix.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? EventTypePrefix : EventTypePrefix[..dot];
    }

    public static SnapshotResource? Find(string name) =>
        All.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));

    public string PathFor(string customerId) => ListPath.Replace("{customer}", Uri.EscapeDataString(customerId), StringComparison.Ordinal);
}
