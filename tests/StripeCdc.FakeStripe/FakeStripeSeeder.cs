using System.Globalization;
using StripeCdc.Testing;

namespace StripeCdc.FakeStripe;

/// <summary>Fills the fake with generated objects of realistic shape (see <see cref="StripeObjects"/>).</summary>
public static class FakeStripeSeeder
{
    public const long StartTime = 1_790_000_000;

    /// <summary>The list path of each resource a snapshot reads; payment methods are listed per customer.</summary>
    public static readonly IReadOnlyDictionary<string, string> ListPaths = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["customer"] = "/v1/customers",
        ["charge"] = "/v1/charges",
        ["payment_intent"] = "/v1/payment_intents",
        ["invoice"] = "/v1/invoices",
        ["subscription"] = "/v1/subscriptions",
        ["product"] = "/v1/products",
        ["price"] = "/v1/prices",
        ["payout"] = "/v1/payouts",
        ["refund"] = "/v1/refunds",
        ["balance_transaction"] = "/v1/balance_transactions",
        ["coupon"] = "/v1/coupons",
        ["plan"] = "/v1/plans",
        ["setup_intent"] = "/v1/setup_intents",
    };

    public static string Id(string prefix, string tag, int index) =>
        $"{prefix}_{tag}{index.ToString("D6", CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Adds <paramref name="count"/> objects of a resource, newest first, ids <c>&lt;prefix&gt;_&lt;tag&gt;000000…</c>.
    /// Payment methods are spread over the customers already present (add customers first). Returns the ids.
    /// </summary>
    public static IReadOnlyList<string> Seed(FakeStripeData data, string resource, int count, string tag = "T")
    {
        var ids = new List<string>(count);
        if (resource == "payment_method")
        {
            var customers = data.Collection("/v1/customers").Snapshot();
            if (customers.Count == 0)
            {
                throw new InvalidOperationException("Seed customers before payment methods.");
            }

            for (var i = 0; i < count; i++)
            {
                // Half of them on the first customer, so one customer's list spans several pages.
                var customer = customers[i % 2 == 0 ? 0 : i % customers.Count].Id;
                var id = Id("pm", tag, i);
                data.Add($"/v1/customers/{customer}/payment_methods", new FakeObject(id, StartTime - i, StripeObjects.PaymentMethod(id, customer, StartTime - i), new Dictionary<string, string> { ["customer"] = customer }));
                ids.Add(id);
            }

            return ids;
        }

        var path = ListPaths[resource];
        for (var i = 0; i < count; i++)
        {
            var created = StartTime - i;
            var (id, json, attributes) = Make(resource, tag, i, created);
            data.Add(path, new FakeObject(id, created, json, attributes));
            ids.Add(id);
        }

        return ids;
    }

    /// <summary>An invoice whose payload embeds its first 10 lines (<c>has_more: true</c>); every line is listed under its lines path.</summary>
    public static string SeedInvoiceWithLines(FakeStripeData data, string invoiceId, int lineCount)
    {
        var embedded = Math.Min(10, lineCount);
        data.Add("/v1/invoices", new FakeObject(invoiceId, StartTime + 10, StripeObjects.Invoice(invoiceId, embedded, linesHaveMore: lineCount > embedded)));
        for (var i = 0; i < lineCount; i++)
        {
            var lineId = StripeObjects.LineId(invoiceId, i);
            data.Add($"/v1/invoices/{invoiceId}/lines", new FakeObject(lineId, StartTime - i, StripeObjects.InvoiceLine(lineId, invoiceId, i)));
        }

        return invoiceId;
    }

    private static (string Id, string Json, Dictionary<string, string>? Attributes) Make(string resource, string tag, int i, long created)
    {
        switch (resource)
        {
            case "customer":
                {
                    var id = Id("cus", tag, i);
                    return (id, StripeObjects.Customer(id, $"customer{i}@example.com"), null);
                }

            case "charge":
                {
                    var id = Id("ch", tag, i);
                    return (id, StripeObjects.Charge(id), null);
                }

            case "payment_intent":
                {
                    var id = Id("pi", tag, i);
                    return (id, StripeObjects.PaymentIntent(id), null);
                }

            case "invoice":
                {
                    var id = Id("in", tag, i);
                    return (id, StripeObjects.Invoice(id), null);
                }

            case "subscription":
                {
                    // Every fifth one is cancelled: listed only with status=all.
                    var id = Id("sub", tag, i);
                    var status = i % 5 == 4 ? "canceled" : "active";
                    return (id, StripeObjects.Subscription(id, status: status), new Dictionary<string, string> { ["status"] = status });
                }

            case "refund":
                {
                    var id = Id("re", tag, i);
                    var charge = Id("ch", tag, i % 7);
                    return (id, StripeObjects.Refund(id, charge), new Dictionary<string, string> { ["charge"] = charge });
                }

            default:
                {
                    var (prefix, make) = Generators[resource];
                    var id = Id(prefix, tag, i);
                    return (id, make(id, created), null);
                }
        }
    }

    private static readonly Dictionary<string, (string Prefix, Func<string, long, string> Make)> Generators = new(StringComparer.Ordinal)
    {
        ["product"] = ("prod", StripeObjects.Product),
        ["price"] = ("price", StripeObjects.Price),
        ["payout"] = ("po", StripeObjects.Payout),
        ["balance_transaction"] = ("txn", StripeObjects.BalanceTransaction),
        ["coupon"] = ("co", StripeObjects.Coupon),
        ["plan"] = ("plan", StripeObjects.Plan),
        ["setup_intent"] = ("seti", StripeObjects.SetupIntent),
    };
}
