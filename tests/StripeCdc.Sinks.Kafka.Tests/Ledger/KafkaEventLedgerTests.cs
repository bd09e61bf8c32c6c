using System.Globalization;
using System.Net;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Ingest.Tests.Support;
using StripeCdc.Sinks.Kafka.Tests.Support;
using StripeCdc.Ledger;
using StripeCdc.Pipeline;

namespace StripeCdc.Sinks.Kafka.Tests.Ledger;

/// <summary>SPEC §2 duplicate row across processes and restarts, and §6 "reconciliation twice produces no duplicates".</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaEventLedgerTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Duplicate_row_holds_for_an_id_committed_by_another_process_while_running()
    {
        var source = new TestSource();
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var eventId = StripeEvents.NewId();
        var ledger = server.App.Services.GetRequiredService<IEventLedger>();

        await CommitElsewhereAsync(source, eventId, DateTimeOffset.UtcNow);
        var seen = await Eventually.HoldsAsync(async () => await ledger.IsCommittedAsync(source.Name, eventId), TimeSpan.FromSeconds(10));
        using var response = await server.Client.SendAsync(StripeEvents.Request(source, StripeEvents.CustomerCreated(eventId)));

        Assert.True(seen);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, kafka.Count(source.Topic("customer")));
    }

    [Fact]
    public async Task Duplicate_row_holds_across_a_restart_and_ids_older_than_the_window_are_produced_again()
    {
        var source = new TestSource();
        var payload = StripeEvents.CustomerCreated();
        var oldId = StripeEvents.NewId();
        await CommitElsewhereAsync(source, oldId, DateTimeOffset.UtcNow.AddDays(-31));
        await using (var first = await IngestServer.StartAsync(kafka, source.Settings))
        {
            using var response = await first.Client.SendAsync(StripeEvents.Request(source, payload));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await using var second = await IngestServer.StartAsync(kafka, source.Settings);
        using var redelivery = await second.Client.SendAsync(StripeEvents.Request(source, payload));
        using var old = await second.Client.SendAsync(StripeEvents.Request(source, StripeEvents.CustomerCreated(oldId)));

        Assert.Equal(HttpStatusCode.OK, redelivery.StatusCode);
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        Assert.Equal(2, kafka.Count(source.Topic("customer")));
    }

    [Fact]
    public async Task Replay_and_reconciliation_through_the_pipeline_dedupe_like_the_webhook()
    {
        var source = new TestSource();
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var payload = StripeEvents.InvoicePaid(lines: 2);
        using var delivered = await server.Client.SendAsync(StripeEvents.Request(source, payload));
        var pipeline = server.App.Services.GetRequiredService<RecordPipeline>();

        var replay = new RecordContext(server.Sources.Get(source.Name), Encoding.UTF8.GetBytes(payload), null, DateTimeOffset.UtcNow) { SkipSignatureCheck = true };
        await pipeline.ProcessAsync(replay);
        var fresh = StripeEvents.InvoicePaid(lines: 2);
        var reconciled = new RecordContext(server.Sources.Get(source.Name), Encoding.UTF8.GetBytes(fresh), null, DateTimeOffset.UtcNow) { SkipSignatureCheck = true };
        await pipeline.ProcessAsync(reconciled);
        var reconciledAgain = new RecordContext(server.Sources.Get(source.Name), Encoding.UTF8.GetBytes(fresh), null, DateTimeOffset.UtcNow) { SkipSignatureCheck = true };
        await pipeline.ProcessAsync(reconciledAgain);

        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Equal(PipelineOutcome.Skipped, replay.Outcome);
        Assert.Equal(PipelineOutcome.Produced, reconciled.Outcome);
        Assert.Equal(PipelineOutcome.Skipped, reconciledAgain.Outcome);
        Assert.Empty(reconciledAgain.Records);
        Assert.Equal(2, kafka.Count(source.Topic("invoice")));
        Assert.Equal(4, kafka.Count(source.Topic("invoice_lines")));
    }

    [Fact]
    public async Task An_id_committed_29_days_ago_is_still_a_duplicate_so_reconciling_30_days_twice_produces_nothing_twice()
    {
        var source = new TestSource();
        var eventId = StripeEvents.NewId();
        await CommitElsewhereAsync(source, eventId, DateTimeOffset.UtcNow.AddDays(-29));
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);

        using var response = await server.Client.SendAsync(StripeEvents.Request(source, StripeEvents.CustomerCreated(eventId)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, kafka.Count(source.Topic("customer")));
    }

    [Fact]
    public async Task Start_up_reads_only_the_window_of_the_ledger_not_the_whole_topic()
    {
        var source = new TestSource().Set("StripeCdc:Ledger:Window", "01:00:00");
        kafka.Cluster.CreateTopic(source.LedgerTopic, partitions: 4);
        var old = DateTimeOffset.UtcNow.AddHours(-3);
        var recent = DateTimeOffset.UtcNow.AddMinutes(-5);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, Acks = Acks.All, LingerMs = 5 }).Build())
        {
            for (var i = 0; i < 4_000; i++)
            {
                Produce(producer, source, StripeEvents.NewId(), old);
            }

            for (var i = 0; i < 100; i++)
            {
                Produce(producer, source, StripeEvents.NewId(), recent);
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var ledger = server.App.Services.GetRequiredService<KafkaEventLedger>();

        Assert.Equal(100, ledger.Count);
        Assert.InRange(ledger.LoadedRecords, 100, 400);
        Assert.Equal("compact,delete", KafkaEventLedger.TopicConfig(new EventLedgerOptions())["cleanup.policy"]);
        Assert.Equal(TimeSpan.FromDays(31).TotalMilliseconds.ToString(CultureInfo.InvariantCulture), KafkaEventLedger.TopicConfig(new EventLedgerOptions())["retention.ms"]);
    }

    private static void Produce(IProducer<string, string> producer, TestSource source, string eventId, DateTimeOffset at) =>
        producer.Produce(source.LedgerTopic, new Message<string, string>
        {
            Key = $"{source.Name}/{eventId}",
            Value = at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            Timestamp = new Timestamp(at),
        });

    private async Task CommitElsewhereAsync(TestSource source, string eventId, DateTimeOffset at)
    {
        kafka.Cluster.CreateTopic(source.LedgerTopic);
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers, Acks = Acks.All }).Build();
        await producer.ProduceAsync(source.LedgerTopic, new Message<string, string>
        {
            Key = $"{source.Name}/{eventId}",
            Value = at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        });
    }
}
