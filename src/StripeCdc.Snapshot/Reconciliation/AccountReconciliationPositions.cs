using System.Collections.Concurrent;

namespace StripeCdc.Snapshot.Reconciliation;

/// <summary>
/// Where each connected account's reconciliation stood (SPEC §12): the end of its last completed run, per
/// source and account. The next run of that account lists from there (or from its window's start, if that
/// is later), so a steady trickle of runs does not list the same events again and again. Kept in the
/// worker's memory: after a restart each account starts again from its window, which the ledger makes
/// harmless (nothing is delivered twice), only slower.
/// </summary>
internal sealed class AccountReconciliationPositions
{
    private readonly ConcurrentDictionary<(string Source, string Account), DateTimeOffset> _positions = new();

    public DateTimeOffset? Get(string source, string account) =>
        _positions.TryGetValue((source, account), out var position) ? position : null;

    /// <summary>Moves an account's position forward (never back: an older run finishing late changes nothing).</summary>
    public void Advance(string source, string account, DateTimeOffset reconciledTo) =>
        _positions.AddOrUpdate((source, account), reconciledTo, (_, previous) => reconciledTo > previous ? reconciledTo : previous);

    /// <summary>Every account's position, for the admin API.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Of(string source) =>
        _positions.Where(p => string.Equals(p.Key.Source, source, StringComparison.OrdinalIgnoreCase)).ToDictionary(p => p.Key.Account, p => p.Value, StringComparer.Ordinal);
}
