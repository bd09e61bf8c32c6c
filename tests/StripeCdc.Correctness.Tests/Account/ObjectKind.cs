namespace StripeCdc.Correctness.Tests.Account;

/// <summary>
/// The object types the scenario drives, with where the API lists them and where the connector writes
/// them under the default <c>Routing=EventType</c> (subscription events are <c>customer.subscription.*</c>).
/// </summary>
internal sealed record ObjectKind(string Name, string IdPrefix, string ListPath, string EventPrefix, string Table, string? ChildField = null, string? ChildTable = null)
{
    public static readonly ObjectKind Customer = new("customer", "cus", "/v1/customers", "customer", "customer");
    public static readonly ObjectKind Product = new("product", "prod", "/v1/products", "product", "product");
    public static readonly ObjectKind Price = new("price", "price", "/v1/prices", "price", "price");
    public static readonly ObjectKind Subscription = new("subscription", "sub", "/v1/subscriptions", "customer.subscription", "customer", "items", "subscription_items");
    public static readonly ObjectKind Invoice = new("invoice", "in", "/v1/invoices", "invoice", "invoice", "lines", "invoice_lines");
    public static readonly ObjectKind Charge = new("charge", "ch", "/v1/charges", "charge", "charge", "refunds", "charge_refunds");

    /// <summary>Dispute events are <c>charge.dispute.*</c>: under <c>Routing=EventType</c> they share the <c>charge</c> table.</summary>
    public static readonly ObjectKind Dispute = new("dispute", "dp", "/v1/disputes", "charge.dispute", "charge");
    public static readonly ObjectKind CreditNote = new("credit_note", "cn", "/v1/credit_notes", "credit_note", "credit_note");
    public static readonly ObjectKind CheckoutSession = new("checkout.session", "cs", "/v1/checkout/sessions", "checkout.session", "checkout");

    /// <summary>The account balance: an object without an id, its account's singleton, keyed <c>balance</c> (SPEC §10).</summary>
    public static readonly ObjectKind Balance = new("balance", string.Empty, "/v1/balance", "balance", "balance");

    /// <summary>The platform's Connect application, the object of <c>account.application.*</c> events; not one the scenario compares.</summary>
    public static readonly ObjectKind Application = new("application", "ca", "/v1/applications", "account.application", "account");

    public static readonly IReadOnlyList<ObjectKind> All = [Customer, Product, Price, Subscription, Invoice, Charge, Dispute, CreditNote, CheckoutSession, Balance];

    /// <summary>A kind without ids: one object per account, read with one <c>GET</c>.</summary>
    public bool IsSingleton => IdPrefix.Length == 0;

    public string IdOf(int index) => IsSingleton ? Name : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{IdPrefix}_sc{index:D5}");

    /// <summary>The list that holds a parent's children, and the filter attribute that selects them.</summary>
    public (string Path, string? Filter) ChildListOf(string parentId) => Name switch
    {
        "invoice" => ($"/v1/invoices/{parentId}/lines", null),
        "charge" => ("/v1/refunds", "charge"),
        "subscription" => ("/v1/subscription_items", "subscription"),
        _ => throw new InvalidOperationException($"A {Name} has no child list."),
    };
}
