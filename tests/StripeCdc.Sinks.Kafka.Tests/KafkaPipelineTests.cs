using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Configuration;
using StripeCdc.Sinks.Kafka.Tests.Support;
using StripeCdc.Pipeline;
using StripeCdc.Sinks;
using StripeCdc.Testing;

namespace StripeCdc.Sinks.Kafka.Tests;

/// <summary>The pipeline producing into the embedded 3-broker cluster, read back by a real consumer.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaPipelineTests(KafkaFixture kafka) : IDisposable
{
    private readonly ActivityListener _listener = ListenToStripeCdc();

    [Fact]
    public async Task Records_land_on_their_topics_keyed_by_id_with_op_and_traceparent_headers()
    {
        var prefix = UniquePrefix();
        using var host = KafkaHost(prefix, ("FanOutFields", "invoice.lines"));
        var body = StripeObjects.Event("invoice.paid", StripeObjects.Invoice("in_k1", lines: 2), id: "evt_k1");

        using var trace = new Activity("webhook").Start();
        var context = await host.ProcessAsync(body);
        trace.Stop();

        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
        var parent = Assert.Single(kafka.Read(prefix + "invoice", expected: 1));
        Assert.Equal("""{"id":"in_k1"}""", Encoding.UTF8.GetString(parent.Message.Key));
        var value = JsonDocument.Parse(parent.Message.Value).RootElement;
        Assert.Equal("evt_k1", value.GetProperty("_event_id").GetString());
        Assert.Equal("PAID", value.GetProperty("__changeType").GetString());
        Assert.Equal("u", Header(parent, "__op"));
        var traceparent = Header(parent, "traceparent");
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", traceparent);
        Assert.Equal(trace.TraceId.ToString(), traceparent!.Split('-')[1]);

        var lines = kafka.Read(prefix + "invoice_lines", expected: 2);
        Assert.Equal(2, lines.Count);
        Assert.All(lines, l => Assert.StartsWith("""{"id":"in_k1","item_id":"il_""", Encoding.UTF8.GetString(l.Message.Key), StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Equal(trace.TraceId.ToString(), Header(l, "traceparent")!.Split('-')[1]));
    }

    [Fact]
    public async Task A_telemetry_listener_that_throws_on_the_delivery_thread_does_not_hold_up_the_write()
    {
        var prefix = UniquePrefix();
        using var host = KafkaHost(prefix);
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "StripeCdc.Kafka" && instrument.Name == "messaging.publish.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => throw new InvalidOperationException("a broken exporter"));
        listener.Start();

        var context = await host.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_t"), id: "evt_t"))
            .WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
        Assert.Single(kafka.Read(prefix + "customer", expected: 1));
    }

    [Fact]
    public async Task The_sink_reports_Aspires_producer_metrics_per_topic()
    {
        var prefix = UniquePrefix();
        using var host = KafkaHost(prefix);
        var published = new List<(string Instrument, string? Topic)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "StripeCdc.Kafka")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) => Collect(instrument.Name, tags));
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Collect(instrument.Name, tags));
        listener.Start();

        await host.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_m"), id: "evt_m"));

        lock (published)
        {
            Assert.Contains(("messaging.publish.messages", prefix + "customer"), published);
            Assert.Contains(("messaging.publish.duration", prefix + "customer"), published);
        }

        void Collect(string name, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? topic = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "messaging.destination.name")
                {
                    topic = tag.Value as string;
                }
            }

            lock (published)
            {
                published.Add((name, topic));
            }
        }
    }

    [Fact]
    public async Task Records_of_one_object_share_a_partition()
    {
        var prefix = UniquePrefix();
        using var host = KafkaHost(prefix);
        foreach (var type in new[] { "customer.created", "customer.updated", "customer.updated", "customer.deleted" })
        {
            await host.ProcessAsync(StripeObjects.Event(type, StripeObjects.Customer("cus_same"), id: "evt_" + Guid.NewGuid().ToString("N")));
        }

        var records = kafka.Read(prefix + "customer", expected: 4);

        Assert.Equal(4, records.Count);
        Assert.Single(records.Select(r => r.Partition.Value).Distinct());
        Assert.Equal(["c", "u", "u", "d"], records.OrderBy(r => r.Offset.Value).Select(r => Header(r, "__op")));
    }

    [Fact]
    public async Task A_dead_letter_record_is_byte_identical_to_the_input()
    {
        var prefix = UniquePrefix();
        using var host = KafkaHost(prefix);
        var body = Encoding.UTF8.GetBytes("{\"id\": \"evt_bad\", \"type\": 42, \"data\": {\"object\": {}}}\r\n\t ");

        var context = new RecordContext(host.Sources.Get("default"), body, null, DateTimeOffset.UtcNow);
        await host.Pipeline.ProcessAsync(context);

        Assert.Equal(PipelineOutcome.DeadLettered, context.Outcome);
        var dlq = Assert.Single(kafka.Read(prefix + "stripe_dlq", expected: 1));
        Assert.Equal(body, dlq.Message.Value);
        Assert.Equal("malformed", Header(dlq, "__dlq_reason"));
        Assert.Equal("default", Header(dlq, "__dlq_source"));
    }

    [Fact]
    public async Task While_every_broker_is_down_the_sink_does_not_report_success_and_delivers_after_recovery()
    {
        var prefix = UniquePrefix();
        using var host = KafkaHost(prefix);
        await host.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_warm"), id: "evt_warm"));

        kafka.Cluster.SetAllBrokersDown();
        Task<RecordContext> pending;
        try
        {
            pending = host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_down"), id: "evt_down"));
            var finished = await Task.WhenAny(pending, Task.Delay(TimeSpan.FromSeconds(3)));
            Assert.NotSame(pending, finished);
        }
        finally
        {
            kafka.Cluster.SetAllBrokersUp();
        }

        var context = await pending.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
        var records = kafka.Read(prefix + "customer", expected: 2);
        Assert.Contains(records, r => JsonDocument.Parse(r.Message.Value).RootElement.GetProperty("_event_id").GetString() == "evt_down");
        Assert.Equal(2, records.Count);
    }

    [Fact]
    public void Confluent_Kafka_and_the_embedded_cluster_share_one_copy_of_librdkafka()
    {
        var maps = File.ReadAllLines("/proc/self/maps")
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
            .Where(p => p is not null && p.EndsWith("librdkafka.so", StringComparison.Ordinal))
            .Distinct()
            .ToList();

        Assert.Single(maps);
    }

    public void Dispose() => _listener.Dispose();

    private PipelineHarness KafkaHost(string prefix, params (string Key, string? Value)[] settings)
    {
        var configuration = PipelineHarness.Source(settings: [.. settings, ("TopicPrefix", prefix)]);
        configuration["ConnectionStrings:kafka"] = kafka.BootstrapServers;
        configuration["StripeCdc:Kafka:Producer:Config:message.timeout.ms"] = "60000";
        var harness = new PipelineHarness(configuration, new KafkaSinkFactory(configuration).Create());
        foreach (var topic in harness.Sources.All.SelectMany(s => s.KnownTopics))
        {
            kafka.Cluster.CreateTopic(topic, partitions: 3);
        }

        return harness;
    }

    private static string UniquePrefix() => "t" + Guid.NewGuid().ToString("N")[..8] + ".";

    private static string? Header(ConsumeResult<byte[], byte[]> result, string name) =>
        result.Message.Headers.TryGetLastBytes(name, out var value) ? Encoding.UTF8.GetString(value) : null;

    private static ActivityListener ListenToStripeCdc()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("StripeCdc", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    /// <summary>Builds the real Kafka sink from configuration, as a service's container would.</summary>
    private sealed class KafkaSinkFactory(Dictionary<string, string?> settings)
    {
        public IRecordSink Create()
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            var services = new ServiceCollection().AddLogging().AddMetrics();
            services.AddSingleton<StripeCdc.Telemetry.StripeCdcMetrics>();
            services.AddKafkaSink(configuration);
            return services.BuildServiceProvider().GetRequiredService<IRecordSink>();
        }
    }
}
