namespace StripeCdc.Ingest.Hosting;

/// <summary>The ingest service's settings (<c>StripeCdc:Ingest</c>).</summary>
public sealed class IngestOptions
{
    public const string SectionName = "StripeCdc:Ingest";

    /// <summary>How long an event may wait for Kafka's acknowledgement before the answer is 503.</summary>
    public TimeSpan CommitDeadline { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>Retry-After</c> of a 503.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Events processed at once; beyond this a request is answered 503 at once instead of queueing.</summary>
    public int MaxInFlightEvents { get; set; } = 512;

    public int MaxHeaderBytes { get; set; } = 64 * 1024;

    public long MaxBodyBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Bytes all request bodies being read may hold at once; beyond it a request is answered 503 with <c>Retry-After</c>.</summary>
    public long MaxBufferedBodyBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>Where generated API keys are kept; default <c>&lt;app data&gt;/StripeCdc/api-keys</c>.</summary>
    public string? ApiKeyFolder { get; set; }

    /// <summary>Logs method, path, status and duration of each request (never the query string).</summary>
    public bool RequestLogging { get; set; }

    /// <summary>How long a graceful shutdown waits for in-flight events.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
