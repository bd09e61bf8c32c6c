using System.Text.Json;

namespace StripeCdc.AppHost.Tests;

/// <summary>A span as the Aspire dashboard's telemetry API answers it (OTLP JSON; kind 2 = server, 4 = producer).</summary>
internal sealed record SpanView(string TraceId, string Name, int Kind, string Service, IReadOnlyDictionary<string, string> Attributes)
{
    public static IReadOnlyList<SpanView> Read(JsonElement answer)
    {
        var spans = new List<SpanView>();
        if (!answer.TryGetProperty("data", out var data) || !data.TryGetProperty("resourceSpans", out var resources))
        {
            return spans;
        }

        foreach (var resource in resources.EnumerateArray())
        {
            var service = resource.TryGetProperty("resource", out var owner) ? ReadAttributes(owner).GetValueOrDefault("service.name", "") : "";
            foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
            {
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                {
                    spans.Add(new SpanView(
                        span.GetProperty("traceId").GetString()!,
                        span.GetProperty("name").GetString()!,
                        span.TryGetProperty("kind", out var kind) ? kind.GetInt32() : 0,
                        service,
                        ReadAttributes(span)));
                }
            }
        }

        return spans;
    }

    private static Dictionary<string, string> ReadAttributes(JsonElement element)
    {
        var attributes = new Dictionary<string, string>();
        if (element.TryGetProperty("attributes", out var list))
        {
            foreach (var attribute in list.EnumerateArray())
            {
                var value = attribute.GetProperty("value");
                attributes[attribute.GetProperty("key").GetString()!] = value.EnumerateObject().FirstOrDefault().Value.ToString();
            }
        }

        return attributes;
    }
}
