namespace StripeCdc.Snapshot.Checkpoints;

/// <summary>Keeps each resource's last committed cursor durably, per source.</summary>
internal interface ICheckpointStore
{
    ValueTask<ResourceCheckpoint?> LoadAsync(string source, string resource, CancellationToken cancellationToken);

    ValueTask SaveAsync(string source, ResourceCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>Every stored checkpoint, by source.</summary>
    IEnumerable<(string Source, ResourceCheckpoint Checkpoint)> LoadAll();
}
