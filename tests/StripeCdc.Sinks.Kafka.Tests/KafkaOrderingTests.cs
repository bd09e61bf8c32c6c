using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Sinks.Kafka.Tests.Support;
using StripeCdc.Pipeline;
using StripeCdc.Sinks;
using StripeCdc.Testing;

namespace StripeCdc.Sinks.Kafka.Tests;

/// <summary>SPEC §3: records consumers can order (CreateTime = event created) and tombstones after deletes.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaOrderingTests(KafkaFixture kafka)
{
    private const long Created = 1_790_003_000;

    [Fact]
    public async Task The_record_timestamp_is_the_events_created_and_a_snapshot_reads_time()
    {
        var prefix = UniquePrefix();
        using var host = KafkaHost(prefix, tombstones: false);

        await host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_ts"), id: "evt_ts", created: Created));
        await host.ProcessAsync(StripeObjects.Event("customer.snapshot", StripeObjects.Customer("cus_rs"), id: "snapshot:1:customer:cus_rs", created: Created + 7), kind: RecordKind.Snapshot);

        var records = kafka.Read(prefix + "customer", expected: 2);
        Assert.Equal(2, records.Count);
        var byKey = records.ToDictionary(r => Encoding.UTF8.GetString(r.Message.Key));
        Assert.Equal(TimestampType.CreateTime, byKey["""{"id":"cus_ts"}"""].Message.Timestamp.Type);
        Assert.Equal(Created * 1000, byKey["""{"id":"cus_ts"}"""].Message.Timestamp.UnixTimestampMs);
        Assert.Equal((Created + 7) * 1000, byKey["""{"id":"cus_rs"}"""].Message.Timestamp.UnixTimestampMs);
    }

    [Fact]
    public async Task With_Tombstones_a_delete_is_followed_by_a_null_value_record_of_the_same_key()
    {
        var prefix = UniquePrefix();
        using var host = KafkaHost(prefix, tombstones: true, ("FanOutFields", "invoice.lines"));

        await host.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_u"), id: "evt_u", created: Created));
        var deleted = await host.ProcessAsync(StripeObjects.Event("customer.deleted", StripeObjects.Customer("cus_del"), id: "evt_del", created: Created + 1));
        await host.ProcessAsync(StripeObjects.Event("invoice.deleted", StripeObjects.Invoice("in_del", lines: 2), id: "evt_idel", created: Created + 2));

        Assert.Equal(PipelineOutcome.Produced, deleted.Outcome);
        var customer = kafka.Read(prefix + "customer", expected: 3);
        var ofDeleted = customer.Where(r => Encoding.UTF8.GetString(r.Message.Key) == """{"id":"cus_del"}""").OrderBy(r => r.Offset.Value).ToList();
        Assert.Equal(2, ofDeleted.Count);
        Assert.NotNull(ofDeleted[0].Message.Value);
        Assert.Null(ofDeleted[1].Message.Value);
        Assert.Equal(ofDeleted[0].Partition, ofDeleted[1].Partition);
        Assert.Single(customer, r => Encoding.UTF8.GetString(r.Message.Key) == """{"id":"cus_u"}""");

        // Children of a deleted parent get no tombstones (SPEC §4); the parent does.
        Assert.Equal(2, kafka.Read(prefix + "invoice", expected: 2).Count);
        Assert.Equal(2, kafka.Count(prefix + "invoice_lines"));
        Assert.All(kafka.Read(prefix + "invoice_lines", expected: 2), r => Assert.NotNull(r.Message.Value));
    }

    [Fact]
    public async Task A_cancelled_subscription_gets_no_tombstone_so_compaction_keeps_it()
    {
        var prefix = UniquePrefix();
        using var host = KafkaHost(prefix, tombstones: true);

        await host.ProcessAsync(StripeObjects.Event("customer.subscription.deleted", StripeObjects.Subscription("sub_cancel", status: "canceled"), id: "evt_cancel", created: Created));
        await host.ProcessAsync(StripeObjects.Event("customer.deleted", StripeObjects.Customer("cus_gone"), id: "evt_gone", created: Created + 1));

        var records = kafka.Read(prefix + "customer", expected: 3);
        Assert.Equal(3, records.Count);
        var cancelled = Assert.Single(records, r => Encoding.UTF8.GetString(r.Message.Key) == """{"id":"sub_cancel"}""");
        Assert.NotNull(cancelled.Message.Value);
        var gone = records.Where(r => Encoding.UTF8.GetString(r.Message.Key) == """{"id":"cus_gone"}""").OrderBy(r => r.Offset.Value).ToList();
        Assert.Equal(2, gone.Count);
        Assert.Null(gone[1].Message.Value);
    }

    [Fact]
    public async Task Without_Tombstones_a_delete_is_one_record()
    {
        var prefix = UniquePrefix();
        using var host = KafkaHost(prefix, tombstones: false);

        await host.ProcessAsync(StripeObjects.Event("customer.deleted", StripeObjects.Customer("cus_one"), id: "evt_one", created: Created));

        Assert.Equal(1, kafka.Count(prefix + "customer"));
    }

    private PipelineHarness KafkaHost(string prefix, bool tombstones, params (string Key, string? Value)[] settings)
    {
        var configuration = PipelineHarness.Source(settings: [.. settings, ("TopicPrefix", prefix)]);
        configuration["ConnectionStrings:kafka"] = kafka.BootstrapServers;
        configuration["StripeCdc:Kafka:Tombstones"] = tombstones ? "true" : "false";
        configuration["StripeCdc:Kafka:Producer:Config:message.timeout.ms"] = "60000";
        var sinkServices = new ServiceCollection().AddLogging().AddMetrics();
        sinkServices.AddSingleton<StripeCdc.Telemetry.StripeCdcMetrics>();
        sinkServices.AddKafkaSink(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        var harness = new PipelineHarness(configuration, sinkServices.BuildServiceProvider().GetRequiredService<IRecordSink>());
        foreach (var topic in harness.Sources.All.SelectMany(s => s.KnownTopics))
        {
            kafka.Cluster.CreateTopic(topic, partitions: 3);
        }

        return harness;
    }

    private static string UniquePrefix() => "o" + Guid.NewGuid().ToString("N")[..8] + ".";
}
