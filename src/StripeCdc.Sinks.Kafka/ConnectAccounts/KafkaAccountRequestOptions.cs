namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// <c>StripeCdc:ConnectAccounts</c>: where the Kafka sink keeps the backfill requests of new connected accounts
/// (<c>ConnectBackfillNewAccounts</c>, SPEC §12). Read only when a source has that setting on.
/// </summary>
public sealed class KafkaAccountRequestOptions
{
    public const string SectionName = "StripeCdc:ConnectAccounts";

    /// <summary>The setting that names the topic, for error messages.</summary>
    public const string TopicKey = SectionName + ":Topic";

    /// <summary>A compacted topic (one partition is plenty), shared by the ingest and the worker.</summary>
    public string Topic { get; set; } = "stripecdc_connect_accounts";

    /// <summary>How long a service may take to read the topic at start.</summary>
    public TimeSpan LoadTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
