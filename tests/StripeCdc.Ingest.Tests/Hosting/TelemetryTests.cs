using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using StripeCdc.Ingest.Tests.Support;

namespace StripeCdc.Ingest.Tests.Hosting;

/// <summary>SPEC §8: one trace per event, and §1: secrets never in logs or spans.</summary>
[Collection(KafkaCollection.Name)]
public sealed class TelemetryTests(KafkaFixture kafka)
{
    [Fact]
    public async Task One_trace_per_event_server_span_module_spans_and_producer_spans_with_traceparent_in_the_record()
    {
        var source = new TestSource();
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Microsoft.AspNetCore" or "StripeCdc.Pipeline" or "StripeCdc.Kafka",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        using var response = await server.Client.SendAsync(StripeEvents.Request(source, StripeEvents.InvoicePaid(lines: 2)));
        var record = Assert.Single(kafka.Read(source.Topic("invoice"), 1));
        var traceparent = Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes("traceparent"));
        await Eventually.HoldsAsync(() => Task.FromResult(stopped.Any(a => a.Kind == ActivityKind.Server)), TimeSpan.FromSeconds(5));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var serverSpan = Assert.Single(stopped, a => a.Kind == ActivityKind.Server && a.GetTagItem("url.path") is "/webhooks/stripe");
        var trace = stopped.Where(a => a.TraceId == serverSpan.TraceId).ToList();
        Assert.Contains(trace, a => a.DisplayName == "Signature");
        Assert.Contains(trace, a => a.DisplayName == "Deduplication");
        Assert.Contains(trace, a => a.DisplayName == "Routing");
        Assert.Contains(trace, a => a.DisplayName == "FanOut");
        Assert.Equal(3, trace.Count(a => a.Kind == ActivityKind.Producer && (string?)a.GetTagItem("messaging.system") == "kafka"));
        Assert.Contains(serverSpan.TraceId.ToHexString(), traceparent, StringComparison.Ordinal);
        Assert.Equal("REDACTED", serverSpan.GetTagItem("url.query"));
        Assert.DoesNotContain(stopped.SelectMany(a => a.TagObjects), t => t.Value?.ToString()?.Contains(source.ApiKey, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Events_are_counted_by_source_and_outcome_with_their_latency()
    {
        var source = new TestSource();
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var measurements = new ConcurrentQueue<(string Instrument, string? Source, string? Outcome)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "StripeCdc")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, _, tags, _) => measurements.Enqueue((i.Name, Tag(tags, "stripecdc.source"), Tag(tags, "stripecdc.outcome"))));
        listener.SetMeasurementEventCallback<double>((i, _, tags, _) => measurements.Enqueue((i.Name, Tag(tags, "stripecdc.source"), Tag(tags, "stripecdc.outcome"))));
        listener.Start();

        using var produced = await server.Client.SendAsync(StripeEvents.Request(source, StripeEvents.CustomerCreated()));
        using var rejected = await server.Client.SendAsync(StripeEvents.Request(source, "[]"));
        using var unauthorized = await server.Client.SendAsync(StripeEvents.Request(source, "{}", apiKey: "wrong-key-123"));

        Assert.Contains(("stripecdc.events", "default", "produced"), measurements);
        Assert.Contains(("stripecdc.events", "default", "dead_lettered"), measurements);
        Assert.Contains(("stripecdc.events", "default", "unauthorized"), measurements);
        Assert.Contains(("stripecdc.event.duration", "default", "produced"), measurements);
        Assert.Contains(measurements, m => m.Instrument == "stripecdc.records.produced");
        Assert.Contains(measurements, m => m.Instrument == "stripecdc.dlq.records");
    }

    [Fact]
    public async Task Secrets_and_api_key_values_never_appear_in_logs_even_at_trace_level()
    {
        var source = new TestSource().Set("StripeCdc:Ingest:RequestLogging", "true");
        var generated = new TestSource("generated").Set("ApiKey", "");
        foreach (var (key, value) in generated.Settings)
        {
            source.Settings.TryAdd(key, value);
        }

        await using var server = await IngestServer.StartAsync(kafka, source.Settings, Microsoft.Extensions.Logging.LogLevel.Trace);
        var generatedKey = (await File.ReadAllTextAsync(Path.Combine(source.Settings["StripeCdc:Ingest:ApiKeyFolder"]!, "generated.key"))).Trim();
        var wrongKey = "guess_" + Guid.NewGuid().ToString("N");
        var payload = StripeEvents.CustomerCreated();

        var requests = new List<HttpRequestMessage>
        {
            StripeEvents.Request(source, payload),
            StripeEvents.Request(source, payload),
            StripeEvents.Request(source, StripeEvents.CustomerCreated(), StripeEvents.Sign(payload, "whsec_wrong")),
            StripeEvents.Request(source, "{not json"),
            StripeEvents.Request(source, payload, apiKey: wrongKey),
            StripeEvents.Request($"/webhooks/stripe/generated?api_key={generatedKey}", Encoding.UTF8.GetBytes(payload), StripeEvents.Sign(payload)),
            StripeEvents.Request($"/webhooks/stripe/nope?api_key={source.ApiKey}", Encoding.UTF8.GetBytes(payload), null),
        };
        var large = StripeEvents.Request(source, payload);
        large.Headers.TryAddWithoutValidation("X-Padding", new string('a', 70 * 1024));
        requests.Add(large);
        foreach (var request in requests)
        {
            using var response = await server.Client.SendAsync(request);
            Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        await server.DisposeAsync();
        var lines = server.Logs.Lines.ToList();

        // The checks below prove something only if trace-level lines were written and request logging ran for
        // these requests: its lines name each request's path and status, never the query string that carries api_key.
        Assert.Contains(lines, l => l.StartsWith("Trace ", StringComparison.Ordinal));
        var requestLines = lines.Where(l => l.Contains("Microsoft.AspNetCore.HttpLogging", StringComparison.Ordinal)).ToList();
        Assert.Contains(requestLines, l => l.Contains("Path=/webhooks/stripe/generated", StringComparison.Ordinal));
        Assert.Contains(requestLines, l => l.Contains("Path=/webhooks/stripe/nope", StringComparison.Ordinal));
        Assert.Contains(requestLines, l => l.Contains("StatusCode=401", StringComparison.Ordinal));
        Assert.DoesNotContain(requestLines, l => l.Contains("api_key", StringComparison.Ordinal));
        foreach (var secret in new[] { TestSource.Secret, "whsec_wrong", source.ApiKey, generatedKey, wrongKey })
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
