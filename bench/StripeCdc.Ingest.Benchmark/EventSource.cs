using System.Text;
using StripeCdc.Testing;

namespace StripeCdc.Ingest.Benchmark;

/// <summary>
/// Realistic signed events, each with a fresh event id (the ledger would drop repeats): customer,
/// charge and invoice in turn, at about the sizes the issue names (1.7, 5 and 6 KB).
/// With <paramref name="distinctObjects"/> every event is about its own object (ids numbered like the
/// event ids); otherwise all events update the same three objects (the worst case for a state table).
/// </summary>
internal sealed class EventSource(string secret, bool distinctObjects = false)
{
    private const string IdPlaceholder = "evt_XXXXXXXXXXXXXXXXXXXXXXXX";

    private static readonly string[] Templates =
    [
        StripeObjects.Event("customer.updated", StripeObjects.Customer(), IdPlaceholder, previousAttributes: "{\"email\":\"old@example.com\"}"),
        StripeObjects.Event("charge.refunded", StripeObjects.Charge(refunds: 4), IdPlaceholder),
        StripeObjects.Event("invoice.paid", StripeObjects.Invoice(lines: 4), IdPlaceholder),
    ];

    // Each source (one per server measured) has ids of its own: servers measured one after another share the
    // brokers and so the event ledger, where a repeated id would be skipped as a duplicate instead of written.
    private readonly string _run = Random.Shared.Next().ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    private long _next;

    public static IReadOnlyList<int> Sizes => [.. Templates.Select(t => Encoding.UTF8.GetByteCount(t))];

    public (byte[] Body, string Signature) Next()
    {
        var n = Interlocked.Increment(ref _next);
        var id = "evt_" + _run + n.ToString("D16", System.Globalization.CultureInfo.InvariantCulture);
        var text = Templates[n % Templates.Length].Replace(IdPlaceholder, id, StringComparison.Ordinal);
        if (distinctObjects)
        {
            var suffix = n.ToString("D10", System.Globalization.CultureInfo.InvariantCulture);
            text = text.Replace("cus_NffrFeUfNV2Hib", "cus_" + suffix, StringComparison.Ordinal)
                .Replace("ch_3MmlLrLkdIwHu7ix0snN0B15", "ch_" + suffix, StringComparison.Ordinal)
                .Replace("in_1MtHbELkdIwHu7ixl4OzzPMv", "in_" + suffix, StringComparison.Ordinal);
        }

        var body = Encoding.UTF8.GetBytes(text);
        return (body, StripeSignatures.Header(body, secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    }
}
