using System.Collections.Concurrent;
using StripeCdc.Checkpoints;

namespace StripeCdc.Snapshot.Reconciliation;

/// <summary>
/// Where each connected account's reconciliation stood (SPEC §12): the end of its last completed run, per
/// source and account. The next run of that account lists from there (or from its window's start, if that
/// is later), so a steady trickle of runs does not list the same events again and again. Kept in the
/// <see cref="IReconciliationPositionStore"/> beside the snapshot checkpoints, read once on first use, so a
/// restarted worker (or another worker of the deployment, on the Kafka store) carries on where each account stood.
/// </summary>
internal sealed class AccountReconciliationPositions(IReconciliationPositionStore store) : IDisposable
{
    private readonly ConcurrentDictionary<(string Source, string Account), DateTimeOffset> _positions = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _loaded;

    public async ValueTask<DateTimeOffset?> GetAsync(string source, string account, CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        return _positions.TryGetValue((source, account), out var position) ? position : null;
    }

    /// <summary>
    /// Moves an account's position forward and stores it (never back: an older run finishing late changes nothing).
    /// Saves are serialised, so the store never sees a position overtaken by an earlier one.
    /// </summary>
    public async ValueTask AdvanceAsync(string source, string account, DateTimeOffset reconciledTo, CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_positions.TryGetValue((source, account), out var previous) && previous >= reconciledTo)
            {
                return;
            }

            await store.SaveAsync(new ReconciliationPosition(source, account, reconciledTo), cancellationToken);
            _positions[(source, account)] = reconciledTo;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Every account's position in <paramref name="source"/>, for the admin API.</summary>
    public async ValueTask<IReadOnlyDictionary<string, DateTimeOffset>> OfAsync(string source, CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        return _positions
            .Where(p => string.Equals(p.Key.Source, source, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(p => p.Key.Account, p => p.Value, StringComparer.Ordinal);
    }

    public void Dispose() => _gate.Dispose();

    // Not a Lazy<Task>: a store that could not be read (Kafka down) is asked again next time.
    private async ValueTask EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_loaded)
            {
                return;
            }

            foreach (var stored in await store.LoadAllAsync(cancellationToken))
            {
                _positions.AddOrUpdate((stored.Source, stored.Account), stored.ReconciledTo, (_, current) => current > stored.ReconciledTo ? current : stored.ReconciledTo);
            }

            _loaded = true;
        }
        finally
        {
            _gate.Release();
        }
    }
}
