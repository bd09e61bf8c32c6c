namespace StripeCdc.AppHost.Dashboard.Traces;

/// <summary>One span as received over OTLP.</summary>
internal sealed record SpanData(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Kind,
    string Service,
    string Scope,
    DateTimeOffset Start,
    DateTimeOffset End,
    bool IsError,
    IReadOnlyDictionary<string, string> Attributes)
{
    public double DurationMs => (End - Start).TotalMilliseconds;

    /// <summary>The start as fractional Unix milliseconds: JavaScript's Date keeps only whole milliseconds.</summary>
    public double StartUnixMs => (Start - DateTimeOffset.UnixEpoch).TotalMilliseconds;
}
