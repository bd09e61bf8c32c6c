namespace StripeCdc.Sinks;

/// <summary>
/// Re-reads an object from the Stripe API when two events of it share a second (SPEC §10's tie rule).
/// A service that can call Stripe registers one; without it the later arrival wins and the tie is counted.
/// </summary>
public interface IObjectRevalidator
{
    /// <summary>
    /// The object's current JSON, or null when it cannot be read for this source (no <c>StripeApiKey</c>,
    /// a resource the API cannot fetch by id, or the object is gone). <paramref name="objectType"/> is the object
    /// type or the prefix of its event types (<c>customer.subscription</c>, <c>checkout.session</c>); an object
    /// without an id (<c>balance</c>) comes with its singleton key as <paramref name="objectId"/>.
    /// </summary>
    ValueTask<ReadOnlyMemory<byte>?> ReadAsync(string source, string objectType, string objectId, CancellationToken cancellationToken) =>
        ReadAsync(source, objectType, objectId, account: null, cancellationToken);

    /// <summary>
    /// As above, for a connected account's object (SPEC §12) when <paramref name="account"/> is set: read with the
    /// <c>Stripe-Account</c> header, since another account may hold an object of the same id.
    /// </summary>
    ValueTask<ReadOnlyMemory<byte>?> ReadAsync(string source, string objectType, string objectId, string? account, CancellationToken cancellationToken);
}
