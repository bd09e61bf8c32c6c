namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// The Postgres sink's settings (<c>StripeCdc:Sinks:Postgres</c>); the server comes from
/// <c>ConnectionStrings:postgres</c> (Aspire's convention).
/// </summary>
public sealed class PostgresSinkOptions
{
    public const string ConnectionStringName = "postgres";
    public const string SectionName = "StripeCdc:Sinks:Postgres";

    public string? ConnectionString { get; set; }

    /// <summary>The schema that holds the state tables, the DLQ table and the event ledger.</summary>
    public string Schema { get; set; } = "stripe";

    /// <summary>At most this many events share one transaction (group commit).</summary>
    public int MaxEventsPerCommit { get; set; } = 500;

    /// <summary>
    /// How long the writer waits for more events before it commits a group that is not full. Events that
    /// arrive while a commit is in flight join the next one anyway, so a short wait is enough.
    /// </summary>
    public TimeSpan GroupCommitDelay { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Transactions in flight at once; each holds one connection.</summary>
    public int Writers { get; set; } = 2;

    /// <summary>How long committed event ids stay in <c>event_ledger</c> (Stripe keeps events 30 days).</summary>
    public TimeSpan LedgerRetention { get; set; } = TimeSpan.FromDays(31);
}
