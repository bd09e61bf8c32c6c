namespace StripeCdc.Checkpoints;

/// <summary>The right to run one resource's snapshot of a source; disposing it gives the right back.</summary>
internal interface ISnapshotLease : IAsyncDisposable
{
    /// <summary>Cancelled when another worker took the resource over (this one stalled past the lease).</summary>
    CancellationToken Lost { get; }
}
