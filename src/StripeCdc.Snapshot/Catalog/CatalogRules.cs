namespace StripeCdc.Snapshot.Catalog;

/// <summary>
/// What the catalogue cannot learn from Stripe.net's signatures: endpoints left out (with the reason the
/// docs give), lists that need a parent id as a query parameter, and filters a list needs to show everything.
/// </summary>
internal static class CatalogRules
{
    /// <summary>Object types that are not account data, or not read by a backfill, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> Excluded = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["country_spec"] = "Stripe's reference data about countries, the same for every account",
        ["event"] = "the change log itself; reconciliation reads it",
        ["webhook_endpoint"] = "the account's delivery settings, managed by 'webhooks'",
        ["tax_code"] = "Stripe's reference list of product tax codes",
        ["reporting.report_type"] = "Stripe's reference list of report types",
        ["climate.product"] = "Stripe's reference list of climate products",
        ["climate.supplier"] = "Stripe's reference list of climate suppliers",
        ["apps.secret"] = "secrets stored by Stripe Apps; never copied out",
        ["line_item"] = "line items of checkout sessions, payment links and quotes: part of their parent object",
        ["item"] = "line items of checkout sessions, payment links and quotes: part of their parent object",
        ["credit_note_line_item"] = "preview lines of a credit note not yet issued",
        ["tax.calculation_line_item"] = "lines of a tax calculation: part of the calculation",
        ["tax.transaction_line_item"] = "lines of a tax transaction: part of the transaction",
        ["payment_intent_amount_details_line_item"] = "amount details of a payment intent: part of the payment intent",
        ["billing.meter_event_summary"] = "aggregates computed on request for a customer and a time range, not stored objects",
        ["billing.credit_balance_summary"] = "a balance computed on request for a customer and a filter, not a stored object",
        ["financial_connections.account_owner"] = "needs an ownership id that only a refresh returns",
        ["line_item_invoice"] = "invoice lines: the fan-out of invoice.lines writes them",
        ["subscription_item"] = "subscription items: the fan-out of subscription.items writes them",
        ["source_transaction"] = "transactions of a legacy source, which has no list to walk",
        ["test_helpers.test_clock"] = "test-mode simulation clocks, not account data",
    };

    /// <summary>A list that returns nothing without a parent id in its query, and the resource that gives the ids.</summary>
    public static readonly IReadOnlyDictionary<string, (string Parameter, string Parent)> QueryParents = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["treasury.credit_reversal"] = ("financial_account", "treasury.financial_account"),
        ["treasury.debit_reversal"] = ("financial_account", "treasury.financial_account"),
        ["treasury.inbound_transfer"] = ("financial_account", "treasury.financial_account"),
        ["treasury.outbound_payment"] = ("financial_account", "treasury.financial_account"),
        ["treasury.outbound_transfer"] = ("financial_account", "treasury.financial_account"),
        ["treasury.received_credit"] = ("financial_account", "treasury.financial_account"),
        ["treasury.received_debit"] = ("financial_account", "treasury.financial_account"),
        ["treasury.transaction"] = ("financial_account", "treasury.financial_account"),
        ["treasury.transaction_entry"] = ("financial_account", "treasury.financial_account"),
        ["radar.value_list_item"] = ("value_list", "radar.value_list"),
        ["issuing.token"] = ("card", "issuing.card"),
        ["setup_attempt"] = ("setup_intent", "setup_intent"),
        ["entitlements.active_entitlement"] = ("customer", "customer"),
        ["billing.credit_balance_transaction"] = ("customer", "customer"),
        ["payment_attempt_record"] = ("payment_record", "payment_record"),
        ["financial_connections.transaction"] = ("account", "financial_connections.account"),
    };

    /// <summary>Lists that hide some objects unless asked: without <c>status=all</c> cancelled subscriptions are missed.</summary>
    public static readonly IReadOnlyDictionary<string, KeyValuePair<string, string>[]> Filters = new Dictionary<string, KeyValuePair<string, string>[]>(StringComparer.Ordinal)
    {
        ["subscription"] = [new("status", "all")],
    };

    /// <summary>
    /// Object types listed both at the top level and under a parent, read under the parent: the top-level
    /// <c>/v1/payment_methods</c> lists only methods not attached to a customer, and <c>/v1/tax_ids</c> only the account's own.
    /// </summary>
    public static readonly IReadOnlySet<string> ReadUnderParent = new HashSet<string>(StringComparer.Ordinal) { "payment_method", "tax_id" };
}
