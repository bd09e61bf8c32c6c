using System.Globalization;

namespace StripeCdc.Correctness.Tests.Account;

/// <summary>
/// Stripe's shapes (API version 2026-10-28) of the scenario's payment objects that the shared fixtures do not
/// have: a dispute, a credit note, a checkout session and the account balance.
/// </summary>
internal static class ScenarioObjects
{
    public static string Dispute(string id, string chargeId) =>
        "{\"id\":\"" + id + "\",\"object\":\"dispute\",\"amount\":1000,\"balance_transactions\":[],\"charge\":\"" + chargeId + "\",\"created\":0,\"currency\":\"usd\","
        + "\"evidence\":{\"access_activity_log\":null,\"billing_address\":null,\"customer_email_address\":null,\"customer_name\":null,\"product_description\":null,\"receipt\":null,\"uncategorized_text\":null},"
        + "\"evidence_details\":{\"due_by\":1790000000,\"has_evidence\":false,\"past_due\":false,\"submission_count\":0},\"is_charge_refundable\":false,\"livemode\":false,\"metadata\":{},"
        + "\"payment_intent\":null,\"payment_method_details\":{\"card\":{\"brand\":\"visa\",\"case_type\":\"chargeback\",\"network_reason_code\":\"10.4\"},\"type\":\"card\"},\"reason\":\"fraudulent\",\"status\":\"needs_response\"}";

    public static string CreditNote(string id, string invoiceId, string customerId, int index) =>
        "{\"id\":\"" + id + "\",\"object\":\"credit_note\",\"amount\":500,\"amount_shipping\":0,\"created\":0,\"currency\":\"usd\",\"customer\":\"" + customerId + "\",\"customer_balance_transaction\":null,"
        + "\"discount_amount\":0,\"discount_amounts\":[],\"effective_at\":null,\"invoice\":\"" + invoiceId + "\","
        + "\"lines\":{\"object\":\"list\",\"data\":[{\"id\":\"cnli_" + id[3..] + "\",\"object\":\"credit_note_line_item\",\"amount\":500,\"description\":\"Pro seat\",\"discount_amount\":0,\"discount_amounts\":[],\"invoice_line_item\":null,\"livemode\":false,\"quantity\":1,\"tax_rates\":[],\"type\":\"custom_line_item\",\"unit_amount\":500,\"unit_amount_decimal\":\"500\"}],\"has_more\":false,\"url\":\"/v1/credit_notes/" + id + "/lines\"},"
        + "\"livemode\":false,\"memo\":null,\"metadata\":{},\"number\":\"SC-CN-" + index.ToString("D4", CultureInfo.InvariantCulture) + "\",\"out_of_band_amount\":null,\"pdf\":\"https://pay.stripe.com/credit_notes/" + id + "/pdf\","
        + "\"reason\":null,\"refunds\":[],\"status\":\"issued\",\"subtotal\":500,\"subtotal_excluding_tax\":500,\"total\":500,\"total_excluding_tax\":500,\"type\":\"pre_payment\",\"voided_at\":null}";

    public static string CheckoutSession(string id) =>
        "{\"id\":\"" + id + "\",\"object\":\"checkout.session\",\"amount_subtotal\":2000,\"amount_total\":2000,\"automatic_tax\":{\"enabled\":false,\"liability\":null,\"status\":null},"
        + "\"billing_address_collection\":null,\"cancel_url\":\"https://example.com/cancel\",\"client_reference_id\":null,\"created\":0,\"currency\":\"usd\",\"customer\":null,\"customer_creation\":\"if_required\","
        + "\"customer_details\":null,\"customer_email\":null,\"expires_at\":0,\"invoice\":null,\"livemode\":false,\"locale\":null,\"metadata\":{},\"mode\":\"payment\",\"payment_intent\":null,"
        + "\"payment_method_types\":[\"card\"],\"payment_status\":\"unpaid\",\"status\":\"open\",\"submit_type\":null,\"subscription\":null,\"success_url\":\"https://example.com/success\","
        + "\"url\":\"https://checkout.stripe.com/c/pay/" + id + "\"}";

    public static string Balance(long available, long pending) =>
        "{\"object\":\"balance\",\"available\":[{\"amount\":" + available + ",\"currency\":\"usd\",\"source_types\":{\"card\":" + available + "}}],"
        + "\"connect_reserved\":[{\"amount\":0,\"currency\":\"usd\"}],\"livemode\":false,"
        + "\"pending\":[{\"amount\":" + pending + ",\"currency\":\"usd\",\"source_types\":{\"card\":" + pending + "}}]}";
}
