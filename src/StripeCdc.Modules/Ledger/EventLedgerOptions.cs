namespace StripeCdc.Ledger;

/// <summary>The event ledger's settings (<c>StripeCdc:Ledger</c>).</summary>
public sealed class EventLedgerOptions
{
    public const string SectionName = "StripeCdc:Ledger";

    /// <summary>The topic holding one record per committed event (key <c>source/event id</c>, value the commit time), <c>cleanup.policy=compact,delete</c>.</summary>
    public string Topic { get; set; } = "stripecdc_event_ledger";

    /// <summary>How long a committed id is remembered: Stripe's 30 days of events, so reconciling any window twice produces nothing twice.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(30);

    /// <summary>At most this many ids are kept in memory (~36 bytes each); the oldest go first.</summary>
    public int MaxEntries { get; set; } = 5_000_000;

    /// <summary>How long start-up may take to read the topic back before it fails.</summary>
    public TimeSpan LoadTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
