using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace StripeCdc.KafkaHost.Browsing;

/// <summary>
/// A small read-only page for looking into the embedded cluster: <c>/</c> lists the topics, <c>/topics/{topic}</c>
/// shows a topic's newest records with key, headers and value (the DLQ is the topic <c>stripe_dlq</c>).
/// The Aspire dashboard links to it from the kafka resource.
/// </summary>
internal static class TopicBrowserEndpoints
{
    private const int DefaultLimit = 20;
    private const int MaxLimit = 200;

    public static IEndpointRouteBuilder MapTopicBrowser(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (TopicReader reader) => Page("Topics", TopicList(reader.Topics())));
        endpoints.MapGet("/topics/{topic}", (string topic, int? limit, TopicReader reader) =>
            Page(topic, RecordList(topic, reader.Latest(topic, Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit)))));
        return endpoints;
    }

    private static string TopicList(IReadOnlyList<TopicSummary> topics)
    {
        var html = new StringBuilder("<table><tr><th>topic</th><th>partitions</th><th>records kept</th></tr>");
        foreach (var topic in topics)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr data-topic=\"{Encode(topic.Name)}\"><td><a href=\"/topics/{UrlEncoder.Default.Encode(topic.Name)}\">{Encode(topic.Name)}</a></td><td>{topic.Partitions}</td><td>{topic.Records}</td></tr>");
        }

        return html.Append("</table>").ToString();
    }

    private static string RecordList(string topic, IReadOnlyList<TopicRecord> records)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"/\">topics</a> / {Encode(topic)}: newest {records.Count} record(s)</p>");
        html.Append("<table data-testid=\"records\"><tr><th>partition@offset</th><th>timestamp</th><th>key</th><th>headers</th><th>value</th></tr>");
        foreach (var record in records)
        {
            var headers = string.Join("<br>", record.Headers.Select(h => $"{Encode(h.Key)}={Encode(h.Value)}"));
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{record.Partition}@{record.Offset}</td><td>{record.Timestamp:O}</td><td><code>{Encode(record.Key ?? "null")}</code></td><td>{headers}</td><td><code>{Encode(record.Value ?? "null")}</code></td></tr>");
        }

        return html.Append("</table>").ToString();
    }

    private const string Style =
        "body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}" +
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}code{white-space:pre-wrap;word-break:break-all}";

    private static IResult Page(string title, string body) => Results.Content(
        $"""
        <!doctype html>
        <html><head><meta charset="utf-8"><title>{Encode(title)} · StripeCdc Kafka</title><style>{Style}</style></head>
        <body><h1>{Encode(title)}</h1>
        <p><small>{Encode(EmbeddedKafkaOptions.RetentionNotice)}</small></p>
        {body}
        </body></html>
        """,
        "text/html; charset=utf-8");

    private static string Encode(string text) => HtmlEncoder.Default.Encode(text);
}
