using System.ComponentModel.DataAnnotations;

namespace StripeCdc.Snapshot;

/// <summary>
/// The snapshot worker's settings, section <c>StripeCdc:Snapshot</c>. How it calls Stripe (budget,
/// retries, page size) is <see cref="StripeApi.StripeApiOptions"/>, shared with the ingest.
/// </summary>
public sealed class SnapshotOptions
{
    public const string SectionName = "StripeCdc:Snapshot";

    /// <summary>Where checkpoints live: <c>Kafka</c> (any worker can resume), <c>File</c>, or <c>Auto</c> (Kafka when <c>ConnectionStrings:kafka</c> is set).</summary>
    public Checkpoints.CheckpointStoreKind CheckpointStore { get; set; } = Checkpoints.CheckpointStoreKind.Auto;

    /// <summary>The compacted topic of the Kafka checkpoint store (checkpoints and leases, one partition).</summary>
    [Required]
    public string CheckpointTopic { get; set; } = "stripecdc_snapshot_checkpoints";

    /// <summary>How long a worker's claim on a resource lasts without renewal; a killed worker's resources are taken over after it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CheckpointLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the file checkpoint store keeps the per-resource cursors (one JSON file per source and resource).</summary>
    [Required]
    public string CheckpointFolder { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "stripecdc",
        "checkpoints");

    /// <summary>How far behind now reconciliation stays: the Events API is eventually consistent.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ReconciliationLag { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many connected accounts a <c>snapshot --accounts</c> reads at once (each with all its resources in parallel).</summary>
    [Range(1, 64)]
    public int MaxConcurrentAccounts { get; set; } = 4;

    /// <summary>Flush checkpoint files to disk before moving on (off only for benchmarks on slow disks).</summary>
    public bool FlushCheckpoints { get; set; } = true;
}
