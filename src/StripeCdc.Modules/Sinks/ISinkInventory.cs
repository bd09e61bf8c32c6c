namespace StripeCdc.Sinks;

/// <summary>
/// What a sink holds for one topic, so <c>snapshot --prune</c> can find objects a complete listing no longer
/// returns (SPEC §6, missed deletes). A sink that cannot tell registers none, and <c>--prune</c> then fails
/// with a message naming the sink.
/// </summary>
public interface ISinkInventory
{
    /// <summary>
    /// Every object the topic holds for one account and has not deleted: the latest state per key, with its object
    /// type and the time of its last change. Objects without an id (singletons) are left out.
    /// </summary>
    /// <param name="account">The connected account (<c>acct_…</c>) whose objects are wanted; null for the platform's own
    /// objects. One account's listing says nothing about another's objects, so the others are never returned (SPEC §12).</param>
    IAsyncEnumerable<HeldObject> ReadAsync(string topic, string? account, CancellationToken cancellationToken);

    /// <summary>The last value held for <paramref name="held"/> (the record value as written), or null when it is gone.</summary>
    ValueTask<ReadOnlyMemory<byte>?> ReadValueAsync(string topic, HeldObject held, CancellationToken cancellationToken);
}

/// <summary>One object a sink holds: its key (account and id), its <c>object</c> type, when it last changed, and where the sink keeps it.</summary>
/// <param name="Id">The key's <c>id</c>.</param>
/// <param name="ObjectType">The value's <c>object</c> field (<c>customer</c>, <c>subscription</c>, …); null when it has none.</param>
/// <param name="ChangedAt">The last change: the record's <c>_event_created</c> (or its timestamp), a row's <c>event_created</c>.</param>
/// <param name="Locator">Sink-specific: where <see cref="ISinkInventory.ReadValueAsync"/> finds the value (a Kafka partition and offset).</param>
/// <param name="Account">The key's <c>account</c>: the connected account holding the object; null for the platform's own.</param>
public sealed record HeldObject(string Id, string? ObjectType, DateTimeOffset ChangedAt, string? Locator = null, string? Account = null);
