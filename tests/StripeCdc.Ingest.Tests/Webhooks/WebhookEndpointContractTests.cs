using System.Net;
using System.Text;
using System.Text.Json;
using StripeCdc.Ingest.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Ingest.Tests.Webhooks;

/// <summary>SPEC §2, one test per row, in the table's order: the status code and what Kafka holds afterwards.</summary>
[Collection(KafkaCollection.Name)]
public sealed class WebhookEndpointContractTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Row1_unknown_source_answers_404_and_writes_nothing_even_before_key_and_header_checks()
    {
        var source = new TestSource();
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var payload = StripeEvents.CustomerCreated();

        using var unknown = await server.Client.SendAsync(StripeEvents.Request($"/webhooks/stripe/nope?api_key={source.ApiKey}", Encoding.UTF8.GetBytes(payload), StripeEvents.Sign(payload)));
        var huge = StripeEvents.Request($"/webhooks/stripe/nope?api_key=wrong", Encoding.UTF8.GetBytes(payload), null);
        huge.Headers.TryAddWithoutValidation("X-Padding", new string('a', 70 * 1024));
        using var unknownWithHugeHeaders = await server.Client.SendAsync(huge);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownWithHugeHeaders.StatusCode);
        Assert.Equal(0, kafka.Count(source.Topic("customer")));
        Assert.Equal(0, kafka.Count(source.DeadLetterTopic));
    }

    [Fact]
    public async Task Row2_missing_or_wrong_api_key_answers_401_and_writes_nothing()
    {
        var source = new TestSource();
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var payload = StripeEvents.CustomerCreated();
        var wrongSameLength = new string('x', source.ApiKey.Length);

        var missing = await server.Client.SendAsync(StripeEvents.Request(source.Route, Encoding.UTF8.GetBytes(payload), StripeEvents.Sign(payload)));
        var empty = await server.Client.SendAsync(StripeEvents.Request(source, payload, apiKey: ""));
        var wrong = await server.Client.SendAsync(StripeEvents.Request(source, payload, apiKey: wrongSameLength));
        var prefix = await server.Client.SendAsync(StripeEvents.Request(source, payload, apiKey: source.ApiKey[..^1]));
        var right = await server.Client.SendAsync(StripeEvents.Request(source, payload));

        Assert.All([missing, empty, wrong, prefix], r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(1, kafka.Count(source.Topic("customer")));
        Assert.Equal(0, kafka.Count(source.DeadLetterTopic));
    }

    [Fact]
    public async Task Row3_headers_larger_than_64KB_answer_431_after_the_key_check_and_write_nothing()
    {
        var source = new TestSource();
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var payload = StripeEvents.CustomerCreated();

        var large = StripeEvents.Request(source, payload);
        large.Headers.TryAddWithoutValidation("X-Padding", new string('a', 65 * 1024));
        var largeWrongKey = StripeEvents.Request(source, payload, apiKey: "wrong-key-123");
        largeWrongKey.Headers.TryAddWithoutValidation("X-Padding", new string('a', 65 * 1024));
        var justUnder = StripeEvents.Request(source, payload);
        justUnder.Headers.TryAddWithoutValidation("X-Padding", new string('a', 60 * 1024));

        using var tooLarge = await server.Client.SendAsync(large);
        using var wrongKeyFirst = await server.Client.SendAsync(largeWrongKey);
        using var accepted = await server.Client.SendAsync(justUnder);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, tooLarge.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKeyFirst.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(1, kafka.Count(source.Topic("customer")));
        Assert.Equal(0, kafka.Count(source.DeadLetterTopic));
    }

    [Fact]
    public async Task Row4_body_larger_than_50MB_answers_413_with_or_without_content_length_and_writes_nothing()
    {
        var source = new TestSource();
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var oversized = new byte[(50 * 1024 * 1024) + 1];
        oversized.AsSpan().Fill((byte)' ');

        using var declared = await server.Client.SendAsync(StripeEvents.Request(source.Url(), oversized, "t=1,v1=00"));
        var chunked = new HttpRequestMessage(HttpMethod.Post, source.Url()) { Content = new StreamContent(new MemoryStream(oversized)) };
        chunked.Headers.TransferEncodingChunked = true;
        using var streamed = await server.Client.SendAsync(chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Equal(0, kafka.Count(source.DeadLetterTopic));
    }

    [Fact]
    public async Task Row5_bad_signature_answers_400_and_dead_letters_the_body_with_reason_signature()
    {
        var source = new TestSource();
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = StripeEvents.CustomerCreated();
        var v1 = StripeEvents.Sign(payload).Split(",v1=")[1];
        string?[] headers =
        [
            null,
            "garbage",
            $"v1={v1}",
            StripeEvents.Sign(payload, "whsec_some_other_secret"),
            $"t={now},v0={v1}",
            $"t={now},v2={v1}",
            // 10 s past the 300 s tolerance: the server reads its clock a moment after the test does.
            StripeEvents.Sign(payload, timestamp: now - 310),
            StripeEvents.Sign(payload, timestamp: now + 310),
            StripeEvents.Sign(payload + " "),
        ];

        foreach (var header in headers)
        {
            using var response = await server.Client.SendAsync(StripeEvents.Request(source, payload, header));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var dlq = kafka.Read(source.DeadLetterTopic, headers.Length);
        Assert.Equal(headers.Length, dlq.Count);
        Assert.All(dlq, r =>
        {
            Assert.Equal("signature", Header(r, "__dlq_reason"));
            Assert.Equal(payload, Encoding.UTF8.GetString(r.Message.Value));
        });
        Assert.Equal(0, kafka.Count(source.Topic("customer")));
    }

    [Fact]
    public async Task Row6_body_that_is_not_an_event_answers_400_and_dead_letters_with_reason_malformed()
    {
        var source = new TestSource();
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        string[] bodies =
        [
            "[]",
            "\"event\"",
            "{\"id\":\"evt_1\",\"type\":\"customer.created\",\"data\":{\"object\":",
            "{\"type\":\"customer.created\",\"data\":{\"object\":{\"id\":\"cus_1\"}}}",
            "{\"id\":\"evt_1\",\"data\":{\"object\":{\"id\":\"cus_1\"}}}",
            "{\"id\":\"evt_1\",\"type\":\"customer.created\",\"data\":{}}",
            "{\"id\":1,\"type\":\"customer.created\",\"data\":{\"object\":{\"id\":\"cus_1\"}}}",
        ];

        foreach (var body in bodies)
        {
            using var response = await server.Client.SendAsync(StripeEvents.Request(source, body));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var dlq = kafka.Read(source.DeadLetterTopic, bodies.Length);
        Assert.Equal(bodies.Length, dlq.Count);
        Assert.All(dlq, r => Assert.Equal("malformed", Header(r, "__dlq_reason")));
        Assert.Equal(bodies.Order(), dlq.Select(r => Encoding.UTF8.GetString(r.Message.Value)).Order());
    }

    [Fact]
    public async Task Row7_thin_event_under_Reject_answers_400_and_dead_letters_with_reason_thin_event()
    {
        var source = new TestSource();
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var payload = StripeObjects.ThinEvent(id: StripeEvents.NewId());

        using var response = await server.Client.SendAsync(StripeEvents.Request(source, payload));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var dlq = Assert.Single(kafka.Read(source.DeadLetterTopic, 1));
        Assert.Equal("thin_event", Header(dlq, "__dlq_reason"));
        Assert.Equal(payload, Encoding.UTF8.GetString(dlq.Message.Value));
    }

    [Fact]
    public async Task Row8_unselected_resource_under_FAIL_answers_200_when_the_DLQ_took_it()
    {
        var source = new TestSource().Set("UnselectedResourceBehavior", "FAIL");
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var payload = StripeObjects.Event("product.created", "{\"id\":\"prod_1\",\"object\":\"product\"}", StripeEvents.NewId());

        using var response = await server.Client.SendAsync(StripeEvents.Request(source, payload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var dlq = Assert.Single(kafka.Read(source.DeadLetterTopic, 1));
        Assert.Equal("unselected_resource", Header(dlq, "__dlq_reason"));
        Assert.Equal(0, kafka.Count(source.Topic("unknown")));
    }

    [Fact]
    public async Task Row8_unselected_resource_under_FAIL_answers_500_when_the_DLQ_did_not_take_it()
    {
        var source = new TestSource().Set("UnselectedResourceBehavior", "FAIL").Set("DeadLetterQueue:Enabled", "false");
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var payload = StripeObjects.Event("product.created", "{\"id\":\"prod_1\",\"object\":\"product\"}", StripeEvents.NewId());

        using var response = await server.Client.SendAsync(StripeEvents.Request(source, payload));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(0, kafka.Count(source.DeadLetterTopic));
        Assert.Equal(0, kafka.Count(source.Topic("unknown")));
    }

    [Fact]
    public async Task Row9_event_id_already_committed_answers_200_and_produces_nothing_again()
    {
        var source = new TestSource();
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var payload = StripeEvents.InvoicePaid(lines: 2);

        using var first = await server.Client.SendAsync(StripeEvents.Request(source, payload));
        using var again = await server.Client.SendAsync(StripeEvents.Request(source, payload));
        using var third = await server.Client.SendAsync(StripeEvents.Request(source, payload));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(1, kafka.Count(source.Topic("invoice")));
        Assert.Equal(2, kafka.Count(source.Topic("invoice_lines")));
        Assert.Equal(0, kafka.Count(source.DeadLetterTopic));
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(kafka.Count(source.LedgerTopic) == 1), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Row10_records_not_committed_within_the_deadline_answer_503_with_Retry_After_and_no_DLQ_record()
    {
        var source = new TestSource().Set("StripeCdc:Ingest:CommitDeadline", "00:00:01.5");
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var payload = StripeEvents.CustomerCreated();
        kafka.Cluster.SetBrokerLatency(1, TimeSpan.FromSeconds(4));
        kafka.Cluster.SetBrokerLatency(2, TimeSpan.FromSeconds(4));
        kafka.Cluster.SetBrokerLatency(3, TimeSpan.FromSeconds(4));
        HttpResponseMessage response;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            response = await server.Client.SendAsync(StripeEvents.Request(source, payload));
        }
        finally
        {
            kafka.Cluster.SetBrokerLatency(1, TimeSpan.Zero);
            kafka.Cluster.SetBrokerLatency(2, TimeSpan.Zero);
            kafka.Cluster.SetBrokerLatency(3, TimeSpan.Zero);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"answered after {watch.Elapsed}");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(0, kafka.Count(source.DeadLetterTopic));
        Assert.Equal(0, kafka.Count(source.LedgerTopic));
    }

    [Fact]
    public async Task Row11_valid_event_answers_200_received_after_every_record_is_in_Kafka()
    {
        var source = new TestSource();
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var eventId = StripeEvents.NewId();
        var payload = StripeEvents.InvoicePaid(eventId, lines: 3);

        using var response = await server.Client.SendAsync(StripeEvents.Request(source, payload));
        var counts = (Parent: kafka.Count(source.Topic("invoice")), Children: kafka.Count(source.Topic("invoice_lines")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"received\":true}", await response.Content.ReadAsStringAsync());
        Assert.Equal((1L, 3L), counts);
        var parent = Assert.Single(kafka.Read(source.Topic("invoice"), 1));
        using var value = JsonDocument.Parse(parent.Message.Value);
        Assert.Equal(eventId, value.RootElement.GetProperty("_event_id").GetString());
        Assert.Equal("PAID", value.RootElement.GetProperty("__changeType").GetString());
        Assert.Equal("u", Header(parent, "__op"));
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", Header(parent, "traceparent"));
        Assert.Equal(0, kafka.Count(source.DeadLetterTopic));
    }

    [Fact]
    public async Task Default_route_and_named_routes_serve_their_own_sources()
    {
        var first = new TestSource();
        var second = new TestSource("shop-eu");
        foreach (var (key, value) in second.Settings)
        {
            first.Settings[key] = value;
        }

        first.Set("TopicPrefix", first.Prefix);
        await using var server = await IngestServer.StartAsync(kafka, first.Settings);

        using var toDefault = await server.Client.SendAsync(StripeEvents.Request(first, StripeEvents.CustomerCreated()));
        using var toNamed = await server.Client.SendAsync(StripeEvents.Request(second, StripeEvents.CustomerCreated()));
        using var namedKeyOnDefault = await server.Client.SendAsync(StripeEvents.Request(first, StripeEvents.CustomerCreated(), apiKey: second.ApiKey));

        Assert.Equal(HttpStatusCode.OK, toDefault.StatusCode);
        Assert.Equal(HttpStatusCode.OK, toNamed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, namedKeyOnDefault.StatusCode);
        Assert.Equal(1, kafka.Count(first.Topic("customer")));
        Assert.Equal(1, kafka.Count(second.Topic("customer")));
    }

    private static string? Header(Confluent.Kafka.ConsumeResult<byte[], byte[]> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var value) ? Encoding.UTF8.GetString(value) : null;
}
