namespace StripeCdc.Records;

/// <summary>
/// The event a record comes from, as sinks need it: Kafka stamps <see cref="Created"/> as the record
/// timestamp, the Postgres sink orders state rows by it and writes the ledger row of <see cref="EventId"/>.
/// Shared by every record of one event.
/// </summary>
/// <param name="Source">The source's name.</param>
/// <param name="EventId">The Stripe event id (a synthetic id for a snapshot read).</param>
/// <param name="EventType">The event type, <c>&lt;resource&gt;.snapshot</c> for a snapshot read.</param>
/// <param name="Created">The event's <c>created</c>; for a snapshot read, its read time.</param>
/// <param name="IsDelete">The event's action is <c>deleted</c>.</param>
/// <param name="IsSnapshot">A snapshot read (or a delete <c>snapshot --prune</c> confirmed) rather than a change event: it has no ledger entry.</param>
public sealed record RecordOrigin(string Source, string EventId, string EventType, DateTimeOffset Created, bool IsDelete, bool IsSnapshot)
{
    /// <summary>A cancellation, not a deletion: Stripe keeps the subscription, with its <c>canceled</c> status (SPEC §10).</summary>
    public const string SubscriptionCancellation = "customer.subscription.deleted";

    /// <summary>
    /// The object is gone from Stripe: a delete that is not a subscription's cancellation. Sinks drop it
    /// (a Kafka tombstone, a <c>deleted</c> row); a cancelled subscription stays.
    /// </summary>
    public bool RemovesObject => IsDelete && EventType != SubscriptionCancellation;
}
