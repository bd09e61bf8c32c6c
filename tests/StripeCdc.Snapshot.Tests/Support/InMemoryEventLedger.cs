using System.Collections.Concurrent;
using StripeCdc.Ledger;

namespace StripeCdc.Snapshot.Tests.Support;

/// <summary>A ledger for tests: shared between two service providers it stands for the durable one across a restart.</summary>
internal sealed class InMemoryEventLedger : IEventLedger
{
    private readonly ConcurrentDictionary<(string, string), bool> _committed = new();
    private readonly ConcurrentDictionary<(string, string), bool> _deadLettered = new();

    public int MarkCount => _committed.Count;

    public ValueTask<bool> IsCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_committed.ContainsKey((source, eventId)));

    public ValueTask MarkCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default)
    {
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
