using System.ComponentModel.DataAnnotations;

namespace StripeCdc.Snapshot;

/// <summary>
/// The snapshot worker's settings, section <c>StripeCdc:Snapshot</c>. How it calls Stripe (budget,
/// retries, page size) is <see cref="StripeApi.StripeApiOptions"/>, shared with the ingest.
/// </summary>
public sealed class SnapshotOptions
{
    public const string SectionName = "StripeCdc:Snapshot";

    /// <summary>Where the per-resource cursors are kept (one JSON file per source and resource).</summary>
    [Required]
    public string CheckpointFolder { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "stripecdc",
        "checkpoints");

    /// <summary>How far behind now reconciliation stays: the Events API is eventually consistent.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ReconciliationLag { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Flush checkpoint files to disk before moving on (off only for benchmarks on slow disks).</summary>
    public bool FlushCheckpoints { get; set; } = true;
}
