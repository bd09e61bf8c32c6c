using System.ComponentModel.DataAnnotations;

namespace StripeCdc.Snapshot;

/// <summary>The snapshot worker's settings, section <c>StripeCdc:Snapshot</c>.</summary>
public sealed class SnapshotOptions
{
    public const string SectionName = "StripeCdc:Snapshot";

    /// <summary>The request budget per source; 0 picks it from the key (live or test).</summary>
    [Range(0, 1_000_000)]
    public double RequestsPerSecond { get; set; }

    [Range(0.1, 1_000_000)]
    public double LiveRequestsPerSecond { get; set; } = 80;

    [Range(0.1, 1_000_000)]
    public double TestRequestsPerSecond { get; set; } = 20;

    /// <summary>Requests that may start at once after an idle spell; 1 keeps every 1-second window within the rate.</summary>
    [Range(1, 1000)]
    public int Burst { get; set; } = 1;

    [Range(1, 100)]
    public int PageSize { get; set; } = 100;

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

    /// <summary>Retries of a 429 inside the HTTP handler (each one counted by the budget).</summary>
    [Range(0, 50)]
    public int MaxRateLimitRetries { get; set; } = 8;

    /// <summary>Retries of a whole request after Stripe.net gave up on a 5xx, 409, 429 or network error.</summary>
    [Range(0, 50)]
    public int MaxTransientRetries { get; set; } = 6;

    /// <summary>Stripe.net's own retries of network errors, 409 and 5xx.</summary>
    [Range(0, 10)]
    public int StripeNetMaxRetries { get; set; } = 2;

    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How far behind now reconciliation stays: the Events API is eventually consistent.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ReconciliationLag { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Flush checkpoint files to disk before moving on (off only for benchmarks on slow disks).</summary>
    public bool FlushCheckpoints { get; set; } = true;
}
