namespace StripeCdc.Sinks.JsonLines;

public sealed class JsonLinesSinkOptions
{
    public const string SectionName = "StripeCdc:Sinks:JsonLines";

    /// <summary>The folder that holds one <c>&lt;topic&gt;.jsonl</c> file per topic; created if missing.</summary>
    public string Folder { get; set; } = "stripecdc-records";
}
