using StripeCdc.Configuration;
using StripeCdc.Modules.FanOut;

namespace StripeCdc.StripeApi.FanOut;

/// <summary>
/// Completes a fan-out list that Stripe cut at 10 elements (SPEC §4) from its own list endpoint:
/// invoice lines, a charge's refunds, a subscription's items, read whole (a connected account's as that account).
/// </summary>
internal sealed class StripeFanOutCompleter(StripeApiClients clients) : IFanOutCompleter
{
    public async ValueTask<IReadOnlyList<ReadOnlyMemory<byte>>?> FetchListAsync(
        SourceSettings source,
        FanOutEntry entry,
        string parentId,
        string? account,
        CancellationToken cancellationToken)
    {
        if (!StripeApiClients.CanCall(source))
        {
            return null;
        }

        var (path, query) = ListOf(entry, parentId);
        var api = clients.For(source);
        var elements = new List<ReadOnlyMemory<byte>>();
        await foreach (var page in api.ListAllAsync(path, query, startingAfter: null, cancellationToken, account))
        {
            elements.AddRange(page.Elements.Select(e => e.Json));
        }

        return elements;
    }

    internal static (string Path, KeyValuePair<string, string>[] Query) ListOf(FanOutEntry entry, string parentId) => entry.Name switch
    {
        "invoice.lines" => ($"/v1/invoices/{Uri.EscapeDataString(parentId)}/lines", []),
        "charge.refunds" => ("/v1/refunds", [new("charge", parentId)]),
        "subscription.items" => ("/v1/subscription_items", [new("subscription", parentId)]),
        _ => throw new NotSupportedException($"No Stripe list completes the fan-out field '{entry.Name}'."),
    };
}
