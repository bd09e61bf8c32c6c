namespace StripeCdc.Modules.FanOut;

/// <summary>
/// Reads a nested list that Stripe cut short in the payload (<c>has_more: true</c>) from the Stripe API.
/// Registered by services that hold a Stripe API key.
/// </summary>
public interface IFanOutCompleter
{
    /// <summary>
    /// Returns every element of the list as Stripe holds it now, as raw JSON objects, or null when this
    /// source cannot call the Stripe API. The whole list, not what follows the last embedded element:
    /// the list may have changed since the event, and the embedded order need not be the list's.
    /// </summary>
    ValueTask<IReadOnlyList<ReadOnlyMemory<byte>>?> FetchListAsync(
        Configuration.SourceSettings source,
        FanOutEntry entry,
        string parentId,
        CancellationToken cancellationToken) => FetchListAsync(source, entry, parentId, account: null, cancellationToken);

    /// <summary>
    /// As above, for a connected account's parent (SPEC §12) when <paramref name="account"/> is set: the list is
    /// read with the <c>Stripe-Account</c> header.
    /// </summary>
    ValueTask<IReadOnlyList<ReadOnlyMemory<byte>>?> FetchListAsync(
        Configuration.SourceSettings source,
        FanOutEntry entry,
        string parentId,
        string? account,
        CancellationToken cancellationToken);
}
