using System.Collections.Concurrent;
using StripeCdc.Ledger;

namespace StripeCdc.Testing;

/// <summary>
/// A ledger for tests that counts its reads and marks; shared between two service providers it stands for the
/// durable one across a restart.
/// </summary>
internal sealed class InMemoryEventLedger : IEventLedger
{
    private readonly ConcurrentDictionary<(string, string), bool> _committed = new();
    private readonly ConcurrentDictionary<(string, string), bool> _deadLettered = new();
    private int _reads;
    private int _marks;

    public int MarkCount => _committed.Count;

    /// <summary>How many times <see cref="IsCommittedAsync"/> was asked.</summary>
    public int Reads => _reads;

    /// <summary>How many times <see cref="MarkCommittedAsync"/> was called.</summary>
    public int Marks => _marks;

    public ValueTask<bool> IsCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        return ValueTask.FromResult(_committed.ContainsKey((source, eventId)));
    }

    public ValueTask MarkCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _marks);
        _committed[(source, eventId)] = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> IsDeadLetteredAsync(string source, string eventId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_deadLettered.ContainsKey((source, eventId)));

    public ValueTask MarkDeadLetteredAsync(string source, string eventId, CancellationToken cancellationToken = default)
    {
        _deadLettered[(source, eventId)] = true;
        return ValueTask.CompletedTask;
    }
}
