using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StripeCdc.Configuration;
using StripeCdc.EmbeddedKafka;
using StripeCdc.Ingest.Hosting;
using StripeCdc.Ledger;
using StripeCdc.Pipeline;
using StripeCdc.Records;
using StripeCdc.Sinks.Kafka;
using StripeCdc.Sinks;

namespace StripeCdc.Ingest.Benchmark;

/// <summary>
/// <c>--allocations</c>: the managed bytes allocated per event by the record pipeline in this process
/// (no HTTP), with the Kafka sink and ledger against the embedded cluster, and with parts taken away
/// one at a time, so the difference between two rows is what that part allocates. Allocation drives
/// the ingest's garbage collections, and with them much of its latency tail.
/// </summary>
internal static class AllocationProbe
{
    private const string Secret = "whsec_allocation_probe_5fX2kP9qL3";
    private const int Events = 20_000;
    private const int Concurrency = 64;

    public static async Task<int> RunAsync()
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokerCount: 3);
        Console.WriteLine($"StripeCdc pipeline allocations per event (in-process, {Events} events after as many to warm up, {Concurrency} at a time)");
        // One source of events for every row: its ids never repeat, so the ledger of an earlier row
        // cannot turn a later row's events into duplicates.
        var events = new EventSource(Secret);
        SigningBytesPerEvent(events);
        var signing = SigningBytesPerEvent(events);
        await MeasureAsync("pipeline + Kafka sink + ledger + tracing", cluster, events, signing, tracing: true, deduplication: true, sink: null);
        await MeasureAsync("  without tracing", cluster, events, signing, tracing: false, deduplication: true, sink: null);
        await MeasureAsync("  without tracing and ledger", cluster, events, signing, tracing: false, deduplication: false, sink: null);
        await MeasureAsync("  … and a sink that only builds the values", cluster, events, signing, tracing: false, deduplication: false, sink: new ValueBuildingSink(buildValues: true));
        await MeasureAsync("  … and a sink that does nothing", cluster, events, signing, tracing: false, deduplication: false, sink: new ValueBuildingSink(buildValues: false));
        return 0;
    }

    private static async Task MeasureAsync(string label, EmbeddedKafkaCluster cluster, EventSource events, double signing, bool tracing, bool deduplication, IRecordSink? sink)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:kafka"] = cluster.BootstrapServers,
            ["StripeCdc:Sources:default:ApiKey"] = "allocation-probe-key",
            ["StripeCdc:Sources:default:SigningSecrets"] = Secret,
            ["StripeCdc:Sources:default:FanOutFields"] = "invoice.lines,charge.refunds",
            ["FeatureManagement:Deduplication"] = deduplication ? "true" : "false",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        foreach (var topic in EmbeddedKafkaStartup.Topics(configuration))
        {
            cluster.CreateTopic(topic);
        }

        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging();
        services.AddStripeCdcPipeline(configuration).AddKafkaSink(configuration).AddKafkaEventLedger(configuration);
        if (sink is not null)
        {
            services.AddSingleton(sink);
        }

        await using var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        using var listener = tracing ? ListenToEverything() : null;
        var pipeline = provider.GetRequiredService<RecordPipeline>();
        var source = provider.GetRequiredService<SourceCatalog>().Get("default");

        await ProcessAsync(Events);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await ProcessAsync(Events);
        var perEvent = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Events - signing;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-48} {perEvent,8:0} B/event"));

        // Many at a time, as the ingest runs them, so the background threads' own allocations (the
        // ledger's tail, delivery reports) are spread over many events instead of over idle waits.
        async Task ProcessAsync(int count)
        {
            var remaining = count;
            await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
            {
                while (Interlocked.Decrement(ref remaining) >= 0)
                {
                    var (body, signature) = events.Next();
                    var context = new RecordContext(source, body, signature, DateTimeOffset.UtcNow);
                    await pipeline.ProcessAsync(context);
                    if (context.Outcome is not (PipelineOutcome.Produced or PipelineOutcome.Skipped))
                    {
                        throw new InvalidOperationException($"The probe's event ended {context.Outcome}: {context.Rejection?.Message}");
                    }
                }
            })));
        }
    }

    /// <summary>What making and signing an event costs the probe itself (measured before any pipeline runs), subtracted from each row.</summary>
    private static double SigningBytesPerEvent(EventSource events)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Events; i++)
        {
            _ = events.Next();
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Events;
    }

    private static ActivityListener ListenToEverything()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private sealed class ValueBuildingSink(bool buildValues) : IRecordSink
    {
        public bool WritesLedger => false;

        public ValueTask<SinkWriteResult> WriteAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
        {
            if (buildValues)
            {
                foreach (var record in records)
                {
                    _ = record.BuildValue();
                }
            }

            return ValueTask.FromResult(SinkWriteResult.Written);
        }
    }
}
