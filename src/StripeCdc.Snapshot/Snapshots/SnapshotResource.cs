namespace StripeCdc.Snapshot.Snapshots;

/// <summary>A resource that can be snapshotted (SPEC §6): its list endpoint and the filters it needs.</summary>
internal sealed record SnapshotResource(string Name, string ListPath, IReadOnlyList<KeyValuePair<string, string>> Query, bool WalksCustomers = false)
{
    public static readonly IReadOnlyList<SnapshotResource> All =
    [
        new("customer", "/v1/customers", []),
        new("charge", "/v1/charges", []),
        new("payment_intent", "/v1/payment_intents", []),
        new("invoice", "/v1/invoices", []),
        // Without status=all the list leaves out cancelled subscriptions.
        new("subscription", "/v1/subscriptions", [new("status", "all")]),
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

    public static SnapshotResource? Find(string name) =>
        All.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));

    public string PathFor(string customerId) => ListPath.Replace("{customer}", Uri.EscapeDataString(customerId), StringComparison.Ordinal);
}
