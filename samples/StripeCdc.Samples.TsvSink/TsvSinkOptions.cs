namespace StripeCdc.Samples.TsvSink;

public sealed class TsvSinkOptions
{
    public const string SectionName = "StripeCdc:Sinks:Tsv";

    /// <summary>The file records are appended to; its folder is created if missing.</summary>
    public string Path { get; set; } = "stripecdc-records.tsv";
}
