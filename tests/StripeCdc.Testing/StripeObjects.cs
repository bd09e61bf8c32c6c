using System.Globalization;
using System.Text;

namespace StripeCdc.Testing;

/// <summary>
/// Stripe objects shaped like the API reference's (field names, nesting, list envelopes), written here
/// with enough fields to reach realistic sizes: customer ≈ 1.7 KB, charge ≈ 5 KB, invoice ≈ 6 KB.
/// </summary>
public static partial class StripeObjects
{
    private const long BaseTime = 1_790_000_000;

    public static string Customer(string id = "cus_NffrFeUfNV2Hib", string email = "jenny.rosen@example.com") => "{\"id\":\"" + id + "\",\"object\":\"customer\",\"address\":{\"city\":\"South San Francisco\",\"country\":\"US\",\"line1\":\"354 Oyster Point Blvd\",\"line2\":null,\"postal_code\":\"94080\",\"state\":\"CA\"},\"balance\":0,\"created\":" + BaseTime + ",\"currency\":\"usd\",\"default_source\":null,\"delinquent\":false,\"description\":\"Premium plan customer since the spring launch\",\"discount\":null,\"email\":\"" + email + "\",\"invoice_prefix\":\"0759376C\",\"invoice_settings\":{\"custom_fields\":null,\"default_payment_method\":\"pm_1NrvNq2eZvKYlo2C6hH9aXgQ\",\"footer\":null,\"rendering_options\":null},\"livemode\":false,\"metadata\":{\"crm_id\":\"A-100234\",\"segment\":\"enterprise\",\"region\":\"us-west\"},\"name\":\"Jenny Rosen\",\"next_invoice_sequence\":4,\"phone\":\"+14155550123\",\"preferred_locales\":[\"en-US\"],\"shipping\":{\"address\":{\"city\":\"South San Francisco\",\"country\":\"US\",\"line1\":\"354 Oyster Point Blvd\",\"line2\":null,\"postal_code\":\"94080\",\"state\":\"CA\"},\"name\":\"Jenny Rosen\",\"phone\":\"+14155550123\"},\"tax_exempt\":\"none\",\"test_clock\":null,\"tax\":{\"automatic_tax\":\"supported\",\"ip_address\":null,\"location\":{\"country\":\"US\",\"source\":\"billing_address\",\"state\":\"CA\"}},\"cash_balance\":null,\"invoice_credit_balance\":{},\"default_currency\":\"usd\",\"sources\":{\"object\":\"list\",\"data\":[],\"has_more\":false,\"total_count\":0,\"url\":\"/v1/customers/" + id + "/sources\"},\"subscriptions\":{\"object\":\"list\",\"data\":[],\"has_more\":false,\"total_count\":0,\"url\":\"/v1/customers/" + id + "/subscriptions\"},\"tax_ids\":{\"object\":\"list\",\"data\":[],\"has_more\":false,\"total_count\":0,\"url\":\"/v1/customers/" + id + "/tax_ids\"}}";

    public static string Refund(string id, string chargeId, long amount = 500) => "{\"id\":\"" + id + "\",\"object\":\"refund\",\"amount\":" + amount + ",\"balance_transaction\":\"txn_" + (id[3..]) + "\",\"charge\":\"" + chargeId + "\",\"created\":" + (BaseTime + 60) + ",\"currency\":\"usd\",\"destination_details\":{\"card\":{\"reference\":\"1234567890\",\"reference_status\":\"available\",\"reference_type\":\"acquirer_reference_number\",\"type\":\"refund\"},\"type\":\"card\"},\"metadata\":{},\"payment_intent\":\"pi_3MtwBwLkdIwHu7ix28a3tqPa\",\"reason\":\"requested_by_customer\",\"receipt_number\":null,\"source_transfer_reversal\":null,\"status\":\"succeeded\",\"transfer_reversal\":null}";

    public static string Charge(string id = "ch_3MmlLrLkdIwHu7ix0snN0B15", int refunds = 1, bool refundsHaveMore = false)
    {
        var refundData = string.Join(",", Enumerable.Range(1, refunds).Select(i => Refund($"re_{id[3..]}{i:D3}", id)));
        return "{\"id\":\"" + id + "\",\"object\":\"charge\",\"amount\":1099,\"amount_captured\":1099,\"amount_refunded\":" + (refunds * 500) + ",\"application\":null,\"application_fee\":null,\"application_fee_amount\":null,\"balance_transaction\":\"txn_3MmlLrLkdIwHu7ix0uke3Ezy\",\"billing_details\":{\"address\":{\"city\":\"South San Francisco\",\"country\":\"US\",\"line1\":\"354 Oyster Point Blvd\",\"line2\":null,\"postal_code\":\"94080\",\"state\":\"CA\"},\"email\":\"jenny.rosen@example.com\",\"name\":\"Jenny Rosen\",\"phone\":\"+14155550123\"},\"calculated_statement_descriptor\":\"Stripe\",\"captured\":true,\"created\":" + BaseTime + ",\"currency\":\"usd\",\"customer\":\"cus_NffrFeUfNV2Hib\",\"description\":\"Order #1042: two annual seats\",\"disputed\":false,\"failure_balance_transaction\":null,\"failure_code\":null,\"failure_message\":null,\"fraud_details\":{},\"invoice\":null,\"livemode\":false,\"metadata\":{\"order_id\":\"1042\",\"channel\":\"web\"},\"on_behalf_of\":null,\"outcome\":{\"network_status\":\"approved_by_network\",\"reason\":null,\"risk_level\":\"normal\",\"risk_score\":32,\"seller_message\":\"Payment complete.\",\"type\":\"authorized\"},\"paid\":true,\"payment_intent\":\"pi_3MmlLrLkdIwHu7ix0kbpYvYw\",\"payment_method\":\"pm_1MmlLrLkdIwHu7ixIJwEWSNR\",\"payment_method_details\":{\"card\":{\"amount_authorized\":1099,\"brand\":\"visa\",\"checks\":{\"address_line1_check\":\"pass\",\"address_postal_code_check\":\"pass\",\"cvc_check\":\"pass\"},\"country\":\"US\",\"exp_month\":3,\"exp_year\":2030,\"extended_authorization\":{\"status\":\"disabled\"},\"fingerprint\":\"Xt5EWLLDS7FJjR1c\",\"funding\":\"credit\",\"incremental_authorization\":{\"status\":\"unavailable\"},\"installments\":null,\"last4\":\"4242\",\"mandate\":null,\"multicapture\":{\"status\":\"unavailable\"},\"network\":\"visa\",\"network_token\":{\"used\":false},\"overcapture\":{\"maximum_amount_capturable\":1099,\"status\":\"unavailable\"},\"three_d_secure\":null,\"wallet\":null},\"type\":\"card\"},\"receipt_email\":\"jenny.rosen@example.com\",\"receipt_number\":\"1230-7299\",\"receipt_url\":\"https://pay.stripe.com/receipts/payment/CAcaFwoVYWNjdF8xTTJKVGtMa2RJd0h1N2l4KOvG06AGMgZfBXyr1aw6LBa9vaaSRWU96d8qBwz9z2J_CObiV_H2-e8RezSK_sw0KISesp4czsOUlVKY\",\"refunded\":false,\"review\":null,\"shipping\":{\"address\":{\"city\":\"South San Francisco\",\"country\":\"US\",\"line1\":\"354 Oyster Point Blvd\",\"line2\":null,\"postal_code\":\"94080\",\"state\":\"CA\"},\"carrier\":null,\"name\":\"Jenny Rosen\",\"phone\":null,\"tracking_number\":null},\"source_transfer\":null,\"statement_descriptor\":null,\"statement_descriptor_suffix\":null,\"status\":\"succeeded\",\"transfer_data\":null,\"transfer_group\":null,\"refunds\":{\"object\":\"list\",\"data\":[" + refundData + "],\"has_more\":" + ((refundsHaveMore ? "true" : "false")) + ",\"total_count\":" + refunds + ",\"url\":\"/v1/charges/" + id + "/refunds\"}}";
    }

    public static string InvoiceLine(string id, string invoiceId, int index) => "{\"id\":\"" + id + "\",\"object\":\"line_item\",\"amount\":" + (1000 + index) + ",\"currency\":\"usd\",\"description\":\"1 × Pro seat (Tier " + index + ") (at $10.00 / month)\",\"discount_amounts\":[],\"discountable\":true,\"discounts\":[],\"invoice\":\"" + invoiceId + "\",\"livemode\":false,\"metadata\":{},\"parent\":{\"invoice_item_details\":null,\"subscription_item_details\":{\"invoice_item\":null,\"proration\":false,\"proration_details\":{\"credited_items\":null},\"subscription\":\"sub_1MowQVLkdIwHu7ixeRlqHVzs\",\"subscription_item\":\"si_OmFGzEEM9FbNs1\"},\"type\":\"subscription_item_details\"},\"period\":{\"end\":" + (BaseTime + 2_592_000) + ",\"start\":" + BaseTime + "},\"pricing\":{\"price_details\":{\"price\":\"price_1MowQULkdIwHu7ixraBm864M\",\"product\":\"prod_NZKdYqrwEYx6iK\"},\"type\":\"price_details\",\"unit_amount_decimal\":\"1000\"},\"quantity\":1,\"taxes\":[]}";

    public static string Invoice(string id = "in_1MtHbELkdIwHu7ixl4OzzPMv", int lines = 2, bool linesHaveMore = false, int? lineOffset = null)
    {
        var lineData = string.Join(",", Enumerable.Range(lineOffset ?? 0, lines).Select(i => InvoiceLine(LineId(id, i), id, i)));
        return "{\"id\":\"" + id + "\",\"object\":\"invoice\",\"account_country\":\"US\",\"account_name\":\"Stripe Docs\",\"account_tax_ids\":null,\"amount_due\":" + (lines * 1000) + ",\"amount_overpaid\":0,\"amount_paid\":0,\"amount_remaining\":" + (lines * 1000) + ",\"amount_shipping\":0,\"application\":null,\"attempt_count\":0,\"attempted\":false,\"auto_advance\":false,\"automatic_tax\":{\"disabled_reason\":null,\"enabled\":false,\"liability\":null,\"status\":null},\"billing_reason\":\"subscription_cycle\",\"collection_method\":\"charge_automatically\",\"created\":" + BaseTime + ",\"currency\":\"usd\",\"custom_fields\":null,\"customer\":\"cus_NeZwdNtLEOXuvB\",\"customer_address\":{\"city\":\"South San Francisco\",\"country\":\"US\",\"line1\":\"354 Oyster Point Blvd\",\"line2\":null,\"postal_code\":\"94080\",\"state\":\"CA\"},\"customer_email\":\"jennyrosen@example.com\",\"customer_name\":\"Jenny Rosen\",\"customer_phone\":null,\"customer_shipping\":null,\"customer_tax_exempt\":\"none\",\"customer_tax_ids\":[],\"default_payment_method\":null,\"default_source\":null,\"default_tax_rates\":[],\"description\":\"Monthly subscription\",\"discounts\":[],\"due_date\":null,\"effective_at\":null,\"ending_balance\":null,\"footer\":null,\"from_invoice\":null,\"hosted_invoice_url\":null,\"invoice_pdf\":null,\"issuer\":{\"type\":\"self\"},\"last_finalization_error\":null,\"latest_revision\":null,\"lines\":{\"object\":\"list\",\"data\":[" + lineData + "],\"has_more\":" + ((linesHaveMore ? "true" : "false")) + ",\"total_count\":" + lines + ",\"url\":\"/v1/invoices/" + id + "/lines\"},\"livemode\":false,\"metadata\":{},\"next_payment_attempt\":null,\"number\":\"F7C4F8B2-0001\",\"on_behalf_of\":null,\"parent\":{\"quote_details\":null,\"subscription_details\":{\"metadata\":{},\"subscription\":\"sub_1MowQVLkdIwHu7ixeRlqHVzs\"},\"type\":\"subscription_details\"},\"payment_settings\":{\"default_mandate\":null,\"payment_method_options\":null,\"payment_method_types\":null},\"period_end\":" + BaseTime + ",\"period_start\":" + (BaseTime - 2_592_000) + ",\"post_payment_credit_notes_amount\":0,\"pre_payment_credit_notes_amount\":0,\"receipt_number\":null,\"shipping_cost\":null,\"shipping_details\":null,\"starting_balance\":0,\"statement_descriptor\":null,\"status\":\"draft\",\"status_transitions\":{\"finalized_at\":null,\"marked_uncollectible_at\":null,\"paid_at\":null,\"voided_at\":null},\"subtotal\":" + (lines * 1000) + ",\"subtotal_excluding_tax\":" + (lines * 1000) + ",\"test_clock\":null,\"total\":" + (lines * 1000) + ",\"total_discount_amounts\":[],\"total_excluding_tax\":" + (lines * 1000) + ",\"total_taxes\":[],\"webhooks_delivered_at\":null}";
    }

    public static string LineId(string invoiceId, int index) => $"il_{invoiceId[3..]}{index:D4}";

    public static string SubscriptionItem(string id, string subscriptionId) => "{\"id\":\"" + id + "\",\"object\":\"subscription_item\",\"created\":" + BaseTime + ",\"current_period_end\":" + (BaseTime + 2_592_000) + ",\"current_period_start\":" + BaseTime + ",\"discounts\":[],\"metadata\":{},\"plan\":{\"id\":\"price_1MowQULkdIwHu7ixraBm864M\",\"object\":\"plan\",\"active\":true,\"amount\":1000,\"currency\":\"usd\",\"interval\":\"month\",\"interval_count\":1,\"product\":\"prod_NZKdYqrwEYx6iK\",\"usage_type\":\"licensed\"},\"price\":{\"id\":\"price_1MowQULkdIwHu7ixraBm864M\",\"object\":\"price\",\"active\":true,\"currency\":\"usd\",\"product\":\"prod_NZKdYqrwEYx6iK\",\"recurring\":{\"interval\":\"month\",\"interval_count\":1,\"usage_type\":\"licensed\"},\"type\":\"recurring\",\"unit_amount\":1000},\"quantity\":1,\"subscription\":\"" + subscriptionId + "\",\"tax_rates\":[]}";

    public static string Subscription(string id = "sub_1MowQVLkdIwHu7ixeRlqHVzs", int items = 1, string status = "active")
    {
        var itemData = string.Join(",", Enumerable.Range(1, items).Select(i => SubscriptionItem($"si_{id[4..]}{i:D2}", id)));
        return "{\"id\":\"" + id + "\",\"object\":\"subscription\",\"application\":null,\"automatic_tax\":{\"enabled\":false,\"liability\":null},\"billing_cycle_anchor\":" + BaseTime + ",\"cancel_at\":null,\"cancel_at_period_end\":false,\"canceled_at\":null,\"collection_method\":\"charge_automatically\",\"created\":" + BaseTime + ",\"currency\":\"usd\",\"customer\":\"cus_Na6dX7aXxi11N4\",\"days_until_due\":null,\"default_payment_method\":null,\"description\":null,\"discounts\":[],\"ended_at\":null,\"items\":{\"object\":\"list\",\"data\":[" + itemData + "],\"has_more\":false,\"total_count\":" + items + ",\"url\":\"/v1/subscription_items?subscription=" + id + "\"},\"latest_invoice\":\"in_1MowQWLkdIwHu7ixuzkSPfKd\",\"livemode\":false,\"metadata\":{},\"pending_update\":null,\"start_date\":" + BaseTime + ",\"status\":\"" + status + "\",\"test_clock\":null,\"trial_end\":null,\"trial_start\":null}";
    }

    public static string PaymentIntent(string id = "pi_3MtwBwLkdIwHu7ix28a3tqPa") => "{\"id\":\"" + id + "\",\"object\":\"payment_intent\",\"amount\":2000,\"amount_capturable\":0,\"amount_received\":2000,\"automatic_payment_methods\":{\"enabled\":true},\"capture_method\":\"automatic\",\"client_secret\":\"" + id + "_secret_YrKJUKribcBjcG8HVhfZluoGH\",\"confirmation_method\":\"automatic\",\"created\":" + BaseTime + ",\"currency\":\"usd\",\"customer\":\"cus_NffrFeUfNV2Hib\",\"description\":null,\"latest_charge\":\"ch_3MmlLrLkdIwHu7ix0snN0B15\",\"livemode\":false,\"metadata\":{},\"payment_method\":\"pm_1MmlLrLkdIwHu7ixIJwEWSNR\",\"payment_method_types\":[\"card\"],\"status\":\"succeeded\"}";

    /// <summary>Wraps an object in a v1 (snapshot) event envelope, as Stripe delivers it.</summary>
    public static string Event(
        string type,
        string dataObject,
        string id = "evt_1NG8Du2eZvKYlo2CUI79vXWy",
        long created = BaseTime + 100,
        string? previousAttributes = null,
        string? account = null,
        string apiVersion = "2026-10-28.endive",
        bool livemode = false)
    {
        var builder = new StringBuilder(dataObject.Length + 512);
        builder.Append("{\"id\":\"" + id + "\",\"object\":\"event\",");
        if (account is not null)
        {
            builder.Append("\"account\":\"" + account + "\",");
        }

        builder.Append("\"api_version\":\"" + apiVersion + "\",\"created\":" + created + ",\"data\":{\"object\":" + (dataObject));
        if (previousAttributes is not null)
        {
            builder.Append(",\"previous_attributes\":" + (previousAttributes));
        }

        builder.Append("},\"livemode\":" + (livemode ? "true" : "false") + ",\"pending_webhooks\":1,\"request\":{\"id\":\"req_7GaFJ3mQqXhDSi\",\"idempotency_key\":\"4e3f0b7a-1f9c-4d47-9d1e-7c6e0f2f8e51\"},\"type\":\"" + type + "\"}");
        return builder.ToString();
    }

    /// <summary>A thin (v2) event notification: no object, only a pointer to it.</summary>
    /// <param name="context">The thin event's <c>context</c>: the connected account it belongs to; none when null.</param>
    public static string ThinEvent(string type = "v1.billing.meter.error_report_triggered", string id = "evt_test_65R9Ijk8BpJ9nFz", string? context = null) => "{\"id\":\"" + id + "\",\"object\":\"v2.core.event\",\"type\":\"" + type + "\"," + (context is null ? "" : "\"context\":\"" + context + "\",") + "\"livemode\":false,\"created\":\"2026-11-20T18:45:12.000Z\",\"related_object\":{\"id\":\"mtr_test_61R9Ijk8BpJ9\",\"type\":\"billing.meter\",\"url\":\"/v1/billing/meters/mtr_test_61R9Ijk8BpJ9\"}}";
}
