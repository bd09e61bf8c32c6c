using System.Collections.Concurrent;
using StripeCdc.Ledger;

namespace StripeCdc.Snapshot.Tests.Support;

/// <summary>A ledger for tests: shared between two service providers it stands for the durable one across a restart.</summary>
internal sealed class InMemoryEventLedger : IEventLedger
{
    private readonly ConcurrentDictionary<(string, string), bool> _committed = new();

    public int MarkCount => _committed.Count;

    public ValueTask<bool> IsCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_committed.ContainsKey((source, eventId)));

    public ValueTask MarkCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default)
    {
        _committed[(source, eventId)] = true;
        return ValueTask.CompletedTask;
    }
}
