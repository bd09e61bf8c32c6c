namespace StripeCdc.Checkpoints;

/// <summary>
/// Keeps each resource's last committed cursor durably, per source, and decides which worker may run a
/// resource's snapshot: two workers never run the same resource of the same source at once.
/// </summary>
internal interface ICheckpointStore
{
    ValueTask<ResourceCheckpoint?> LoadAsync(string source, string resource, CancellationToken cancellationToken);

    ValueTask SaveAsync(string source, ResourceCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>Every stored checkpoint, by source.</summary>
    IEnumerable<(string Source, ResourceCheckpoint Checkpoint)> LoadAll();

    /// <summary>
    /// Takes the right to run one resource's snapshot of a source, waiting for a dead holder's lease to
    /// expire; throws <see cref="SnapshotLeaseException"/> when a live worker holds it.
    /// </summary>
    ValueTask<ISnapshotLease> AcquireAsync(string source, string resource, CancellationToken cancellationToken);
}
