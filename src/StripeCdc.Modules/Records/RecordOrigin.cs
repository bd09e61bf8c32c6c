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
/// <param name="IsSnapshot">A snapshot read rather than a change event: it has no ledger entry.</param>
public sealed record RecordOrigin(string Source, string EventId, string EventType, DateTimeOffset Created, bool IsDelete, bool IsSnapshot);
