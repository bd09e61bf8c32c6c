using System.ComponentModel.DataAnnotations;

namespace StripeCdc.StripeApi;

/// <summary>
/// How every service calls the Stripe API, section <c>StripeCdc:StripeApi</c>. The same keys under
/// <c>StripeCdc:Snapshot</c> (where they lived before the ingest called Stripe too) are still read;
/// <c>StripeCdc:StripeApi</c> wins.
/// </summary>
public sealed class StripeApiOptions
{
    public const string SectionName = "StripeCdc:StripeApi";

    public const string LegacySectionName = "StripeCdc:Snapshot";

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

    /// <summary>
    /// Shares the budget fairly (SPEC §12): interactive calls (revalidation, fan-out completion, hydration,
    /// registration) before bulk ones (snapshot, reconciliation), and accounts in turn within each. Off, the
    /// budget serves callers first come, first served (kept for comparison; the benchmark measures both).
    /// </summary>
    public bool FairBudget { get; set; } = true;

    [Range(1, 100)]
    public int PageSize { get; set; } = 100;

    /// <summary>
    /// Retries of one request after a 429, 5xx, 409, network error or attempt timeout (Stripe.net's own
    /// retries are off): a logical call makes at most <c>1 + MaxRetries</c> requests.
    /// </summary>
    [Range(0, 50)]
    public int MaxRetries { get; set; } = 8;

    /// <summary>Backoff: <c>RetryBaseDelay · 2ⁿ</c> with jitter, at most <see cref="RetryMaxDelay"/>; a <c>Retry-After</c> wins.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long one attempt may take before it is abandoned (and retried).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
