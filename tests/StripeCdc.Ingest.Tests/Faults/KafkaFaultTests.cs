using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using StripeCdc.EmbeddedKafka;
using StripeCdc.Ingest.Tests.Support;

namespace StripeCdc.Ingest.Tests.Faults;

/// <summary>SPEC §2 "a 2xx means durably in Kafka", under the embedded cluster's fault injection.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaFaultTests(KafkaFixture kafka)
{
    [Fact]
    public async Task All_brokers_down_answers_503_within_the_deadline_and_after_recovery_nothing_acknowledged_is_missing()
    {
        var source = new TestSource().Set("StripeCdc:Ingest:CommitDeadline", "00:00:02");
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var before = StripeEvents.CustomerCreated();
        var during = StripeEvents.CustomerCreated();
        using var acknowledged = await server.Client.SendAsync(StripeEvents.Request(source, before));

        HttpResponseMessage refused;
        var watch = Stopwatch.StartNew();
        kafka.Cluster.SetAllBrokersDown();
        try
        {
            refused = await server.Client.SendAsync(StripeEvents.Request(source, during));
            watch.Stop();
        }
        finally
        {
            kafka.Cluster.SetAllBrokersUp();
        }

        // Stripe redelivers the refused event; the first attempt must not have marked it as seen.
        var redelivered = await Eventually.HoldsAsync(
            async () =>
            {
                using var retry = await server.Client.SendAsync(StripeEvents.Request(source, during));
                return retry.StatusCode == HttpStatusCode.OK;
            },
            TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"503 came after {watch.Elapsed}");
        Assert.True(redelivered);
        var ids = EventIds(kafka.ReadAll(source.Topic("customer")));
        Assert.Contains(EventId(before), ids);
        Assert.Contains(EventId(during), ids);
        Assert.Equal(0, kafka.Count(source.DeadLetterTopic));
    }

    [Fact]
    public async Task Retriable_produce_errors_are_retried_and_leave_exactly_one_record_per_event_record()
    {
        var source = new TestSource();
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        using var warmUp = await server.Client.SendAsync(StripeEvents.Request(source, StripeEvents.CustomerCreated()));
        var payloads = Enumerable.Range(0, 5).Select(_ => StripeEvents.InvoicePaid(lines: 3)).ToList();

        kafka.Cluster.PushRequestErrors(
            KafkaApiKey.Produce,
            ErrorCode.NotEnoughReplicas,
            ErrorCode.NotEnoughReplicasAfterAppend,
            ErrorCode.RequestTimedOut,
            ErrorCode.LeaderNotAvailable,
            ErrorCode.NotEnoughReplicasAfterAppend);
        var responses = await Task.WhenAll(payloads.Select(p => server.Client.SendAsync(StripeEvents.Request(source, p))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var parents = EventIds(kafka.ReadAll(source.Topic("invoice")));
        var children = EventIds(kafka.ReadAll(source.Topic("invoice_lines")), "_ctx_event_id");
        Assert.Equal(payloads.Select(EventId).Order(), parents.Order());
        Assert.Equal(payloads.SelectMany(p => Enumerable.Repeat(EventId(p), 3)).Order(), children.Order());
    }

    [Fact]
    public async Task Beyond_the_in_flight_limit_requests_answer_503_quickly_instead_of_queueing()
    {
        var source = new TestSource().Set("StripeCdc:Ingest:MaxInFlightEvents", "2");
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        using var warmUp = await server.Client.SendAsync(StripeEvents.Request(source, StripeEvents.CustomerCreated()));
        var payloads = Enumerable.Range(0, 8).Select(_ => StripeEvents.CustomerCreated()).ToList();

        for (var broker = 1; broker <= 3; broker++)
        {
            kafka.Cluster.SetBrokerLatency(broker, TimeSpan.FromMilliseconds(800));
        }

        (HttpStatusCode Status, TimeSpan Took, bool RetryAfter)[] results;
        try
        {
            results = await Task.WhenAll(payloads.Select(async p =>
            {
                var watch = Stopwatch.StartNew();
                using var response = await server.Client.SendAsync(StripeEvents.Request(source, p));
                return (response.StatusCode, watch.Elapsed, response.Headers.RetryAfter is not null);
            }));
        }
        finally
        {
            for (var broker = 1; broker <= 3; broker++)
            {
                kafka.Cluster.SetBrokerLatency(broker, TimeSpan.Zero);
            }
        }

        var refused = results.Where(r => r.Status == HttpStatusCode.ServiceUnavailable).ToList();
        var accepted = results.Count(r => r.Status == HttpStatusCode.OK);
        Assert.Equal(payloads.Count, refused.Count + accepted);
        Assert.InRange(accepted, 1, 2 + 1);
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.True(r.RetryAfter && r.Took < TimeSpan.FromMilliseconds(500), $"503 after {r.Took}"));
        Assert.Equal(1 + accepted, kafka.Count(source.Topic("customer")));
    }

    [Fact]
    public async Task A_produce_error_the_record_would_meet_again_dead_letters_the_event_as_sink_error()
    {
        var source = new TestSource();
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        using var warmUp = await server.Client.SendAsync(StripeEvents.Request(source, StripeEvents.CustomerCreated()));
        // The warm-up's ledger commit is written after its answer; let it go out before the error is armed.
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(kafka.Count(source.LedgerTopic) == 1), TimeSpan.FromSeconds(10)));
        var payload = StripeEvents.CustomerCreated();

        kafka.Cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.InvalidRecord);
        using var response = await server.Client.SendAsync(StripeEvents.Request(source, payload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var dlq = Assert.Single(kafka.Read(source.DeadLetterTopic, 1));
        Assert.Equal("sink_error", Encoding.UTF8.GetString(dlq.Message.Headers.GetLastBytes("__dlq_reason")));
        Assert.Equal(payload, Encoding.UTF8.GetString(dlq.Message.Value));
        Assert.Equal(1, kafka.Count(source.Topic("customer"))); // the warm-up's record only
    }

    internal static string EventId(string payload) => JsonDocument.Parse(payload).RootElement.GetProperty("id").GetString()!;

    internal static List<string> EventIds(IEnumerable<ConsumeResult<byte[], byte[]>> records, string field = "_event_id") =>
        [.. records.Select(r => JsonDocument.Parse(r.Message.Value).RootElement.GetProperty(field).GetString()!)];
}
