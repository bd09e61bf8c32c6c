namespace StripeCdc.Modules.FanOut;

/// <summary>
/// Fetches the elements of a nested list that Stripe left out of the payload (<c>has_more: true</c>)
/// from the Stripe API. Registered by services that hold a Stripe API key.
/// </summary>
public interface IFanOutCompleter
{
    /// <summary>
    /// Returns every element of the list after <paramref name="lastEmbeddedId"/>, as raw JSON objects,
    /// or null when this source cannot call the Stripe API.
    /// </summary>
    ValueTask<IReadOnlyList<ReadOnlyMemory<byte>>?> FetchRemainingAsync(
        Configuration.SourceSettings source,
        FanOutEntry entry,
        string parentId,
        string? lastEmbeddedId,
        CancellationToken cancellationToken);
}
