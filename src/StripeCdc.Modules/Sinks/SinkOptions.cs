namespace StripeCdc.Sinks;

/// <summary><c>StripeCdc:Sink</c>: the terminal sink, DLQ target and dedupe ledger of every service (SPEC §10).</summary>
public sealed class SinkOptions
{
    public const string Key = "StripeCdc:Sink";

    public string Sink { get; set; } = SinkCatalog.DefaultSink;
}
