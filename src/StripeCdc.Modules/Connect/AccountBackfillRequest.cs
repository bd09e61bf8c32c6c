namespace StripeCdc.Connect;

/// <summary>
/// A connected account the ingest saw for the first time on a source with <c>ConnectBackfillNewAccounts</c>
/// (SPEC §12): the worker starts a backfill of it unless it has checkpoints already.
/// </summary>
/// <param name="Source">The source's name.</param>
/// <param name="Account">The connected account (<c>acct_…</c>).</param>
/// <param name="FirstSeen">When the event that made it known arrived.</param>
/// <param name="Position">The request's place in the store's order, for reading on after it (0 before it is stored).</param>
public sealed record AccountBackfillRequest(string Source, string Account, DateTimeOffset FirstSeen, long Position = 0);
