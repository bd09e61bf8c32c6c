namespace StripeCdc.Snapshot.Checkpoints;

/// <summary>Where snapshot checkpoints live (<c>StripeCdc:Snapshot:CheckpointStore</c>).</summary>
public enum CheckpointStoreKind
{
    /// <summary><see cref="Kafka"/> when <c>ConnectionStrings:kafka</c> is set, else <see cref="File"/>.</summary>
    Auto,

    /// <summary>A compacted Kafka topic: any worker of the deployment can resume.</summary>
    Kafka,

    /// <summary>Local files: one worker on one disk.</summary>
    File,
}
