namespace StripeCdc.Connect;

/// <summary>
/// Where backfill requests of new connected accounts are kept, beside the records: a compacted topic for
/// the Kafka sink, a table for Postgres. The ingest writes them; the snapshot worker reads them and
/// starts the backfills. A sink that cannot keep them registers none, and <c>ConnectBackfillNewAccounts</c>
/// then fails start-up.
/// </summary>
public interface IAccountBackfillRequests
{
    /// <summary>Stores the request durably; asking again for the same source and account changes nothing.</summary>
    ValueTask RequestAsync(AccountBackfillRequest request, CancellationToken cancellationToken);

    /// <summary>The requests stored after <paramref name="position"/> (0: all of them), in the store's order.</summary>
    ValueTask<IReadOnlyList<AccountBackfillRequest>> ReadAsync(long position, CancellationToken cancellationToken);
}
