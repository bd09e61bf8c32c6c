namespace StripeCdc.Correctness.Tests;

/// <summary>
/// What one deployment's worker did: objects read by the platform's snapshot, by the <c>--accounts all</c>
/// snapshot, by the backfills it started by itself (the mid-run account's among them); events its reconciliation runs delivered (and found
/// already committed), the platform's run apart from the connected accounts' runs summed.
/// </summary>
internal sealed class SinkFigures
{
    public long PlatformSnapshot { get; set; }

    public long AccountsSnapshot { get; set; }

    /// <summary>Snapshots the worker started by itself (ConnectBackfillNewAccounts): one per account it saw first, and the objects they read.</summary>
    public int SelfStartedBackfills { get; set; }

    public long SelfStartedBackfillObjects { get; set; }

    /// <summary>Null when the worker never backfilled the mid-run account by itself.</summary>
    public long? LateAccountBackfill { get; set; }

    public bool Reconciled { get; set; }

    public (long Delivered, long AlreadyCommitted) PlatformReconciled { get; set; }

    public (long Delivered, long AlreadyCommitted) AccountsReconciled { get; set; }

    public int AccountReconciliations { get; set; }
}
