using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StripeCdc.Ingest.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Ingest.Tests.Webhooks;

/// <summary>SPEC §2 under hostile input: every generated bad request gets the table's answer, never a 5xx.</summary>
[Collection(KafkaCollection.Name)]
public sealed class HostileInputTests(KafkaFixture kafka)
{
    private const int Seed = 20261123;

    [Fact]
    public async Task Over_a_thousand_hostile_requests_each_get_the_SPEC_answer_and_valid_events_still_pass()
    {
        var source = new TestSource();
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);
        var cases = Generate(source, new Random(Seed));
        var failures = new ConcurrentQueue<string>();

        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, _) =>
        {
            using var response = await server.Client.SendAsync(c.Build());
            if ((int)response.StatusCode != c.Expected)
            {
                failures.Enqueue($"{c.Category}: expected {c.Expected}, got {(int)response.StatusCode}");
            }
        });
        var rawAnswers = await Task.WhenAll(RawRequests().Select(raw => SendRawAsync(server.Client.BaseAddress!, raw)));
        var valid = StripeEvents.InvoicePaid(lines: 2);
        using var afterwards = await server.Client.SendAsync(StripeEvents.Request(source, valid));

        Assert.True(cases.Count + rawAnswers.Length >= 1000, $"only {cases.Count + rawAnswers.Length} cases");
        Assert.Empty(failures);
        Assert.All(rawAnswers, a => Assert.True(a is null || a.StartsWith("HTTP/1.1 4", StringComparison.Ordinal), a));
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
        Assert.Equal(cases.Count(c => c.Expected == 400), kafka.Count(source.DeadLetterTopic));
        Assert.Equal(cases.Count(c => c.Expected == 200 && c.Category == "huge-strings") + 1, kafka.Count(source.Topic("invoice")));
        Assert.Equal(cases.Count(c => c.Expected == 200 && c.Category == "huge-type"), kafka.Count(source.Topic("unknown")));
    }

    private static List<HostileCase> Generate(TestSource source, Random random)
    {
        var cases = new List<HostileCase>();
        var template = Encoding.UTF8.GetBytes(StripeEvents.InvoicePaid(lines: 2));

        for (var i = 0; i < 150; i++)
        {
            cases.Add(Signed(source, "random-bytes", RandomBytes(random, random.Next(0, 4096)), 400));
        }

        for (var i = 0; i < 150; i++)
        {
            cases.Add(Signed(source, "truncated-json", template[..random.Next(0, template.Length)], 400));
        }

        for (var i = 0; i < 60; i++)
        {
            var depth = random.Next(65, 20_000);
            var open = random.Next(2) == 0 ? "[" : "{\"a\":";
            var close = open == "[" ? "]" : "}";
            var body = "{\"id\":\"evt_deep\",\"type\":\"invoice.paid\",\"data\":{\"object\":{\"id\":\"in_1\",\"x\":"
                + string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)) + "}}}";
            cases.Add(Signed(source, "deep-nesting", Encoding.UTF8.GetBytes(body), 400));
        }

        string[] wrongValues = ["1", "null", "true", "[]", "{}", "[\"evt\"]", "1.5e300", "-0"];
        foreach (var value in wrongValues)
        {
            for (var i = 0; i < 10; i++)
            {
                var id = StripeEvents.NewId();
                var obj = StripeObjects.Invoice("in_" + id[4..]);
                cases.Add(Signed(source, "wrong-id", Encoding.UTF8.GetBytes(StripeObjects.Event("invoice.paid", obj, id).Replace($"\"id\":\"{id}\"", "\"id\":" + value, StringComparison.Ordinal)), 400));
                cases.Add(Signed(source, "wrong-type", Encoding.UTF8.GetBytes(StripeObjects.Event("invoice.paid", obj, id).Replace("\"type\":\"invoice.paid\"", "\"type\":" + value, StringComparison.Ordinal)), 400));
                cases.Add(Signed(source, "wrong-data", Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\",\"type\":\"invoice.paid\",\"data\":{(value == "{}" ? "\"x\"" : value)}}}"), 400));
                cases.Add(Signed(source, "wrong-data-object", Encoding.UTF8.GetBytes($"{{\"id\":\"{id}\",\"type\":\"invoice.paid\",\"data\":{{\"object\":{(value == "{}" ? "\"x\"" : value)}}}}}"), 400));
            }
        }

        for (var i = 0; i < 40; i++)
        {
            var id = StripeEvents.NewId();
            var huge = new string((char)('a' + random.Next(26)), random.Next(100_000, 400_000));
            var obj = StripeObjects.Invoice("in_" + id[4..]).Replace("\"object\":\"invoice\",", $"\"object\":\"invoice\",\"description_x\":\"{huge}\",", StringComparison.Ordinal);
            cases.Add(Signed(source, "huge-strings", Encoding.UTF8.GetBytes(StripeObjects.Event("invoice.paid", obj, id)), 200));
        }

        for (var i = 0; i < 10; i++)
        {
            var id = StripeEvents.NewId();
            cases.Add(Signed(source, "huge-type", Encoding.UTF8.GetBytes(StripeObjects.Event(new string('z', 200_000) + ".created", StripeObjects.Customer(), id)), 200));
        }

        byte[][] badSequences = [[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF], [0xE2, 0x82]];
        for (var i = 0; i < 120; i++)
        {
            var body = template.ToList();
            var at = Array.IndexOf(template, (byte)'J') is var j and > 0 ? j : template.Length / 2;
            body.InsertRange(at, badSequences[i % badSequences.Length]);
            cases.Add(Signed(source, "bad-utf8", [.. body], 400));
        }

        for (var i = 0; i < 150; i++)
        {
            var payload = StripeEvents.CustomerCreated();
            var garbage = RandomPrintable(random, random.Next(0, 600));
            if (i % 3 == 0)
            {
                garbage = $"t={random.NextInt64()},v1={RandomPrintable(random, 64)}";
            }

            cases.Add(new HostileCase("header-garbage", source.Url(), Encoding.UTF8.GetBytes(payload), garbage, 400, RandomHeaders(random)));
        }

        for (var i = 0; i < 100; i++)
        {
            var key = RandomPrintable(random, random.Next(0, 200));
            if (key == source.ApiKey)
            {
                continue;
            }

            cases.Add(new HostileCase("wrong-api-key", source.Url(key), RandomBytes(random, 100), null, 401, []));
        }

        for (var i = 0; i < 10; i++)
        {
            cases.Add(new HostileCase("huge-headers", source.Url(), template, "t=1,v1=0", 431, [("X-Junk", new string('j', 66_000 + random.Next(10_000)))]));
        }

        return cases;
    }

    private static IEnumerable<string> RawRequests()
    {
        string[] garbage =
        [
            "GARBAGE\r\n\r\n",
            // Not here: "HTTP/9.9" gets Kestrel's 505 before any application code runs (correct HTTP, but a 5xx).
            "POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
            "POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nNoColonHeader\r\n\r\n",
            "POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n",
            "POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
            "POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
            "POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nbody\r\n0\r\n\r\n",
            "POST /webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef",
            "POST /webhooks/stripe?api_key=\u00ff\u00fe HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST  HTTP/1.1\r\n\r\n",
        ];
        return Enumerable.Range(0, 5).SelectMany(_ => garbage);
    }

    /// <summary>Sends bytes that no HTTP client would, and returns the status line (null when the server just closed).</summary>
    private static async Task<string?> SendRawAsync(Uri server, string raw)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(raw));
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return read == 0 ? null : Encoding.Latin1.GetString(buffer, 0, read).Split("\r\n")[0];
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static HostileCase Signed(TestSource source, string category, byte[] body, int expected) =>
        new(category, source.Url(), body, Stripe.EventUtility.GenerateSignatureHeader(Encoding.UTF8.GetString(body), TestSource.Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds()) is var header && IsUtf8(body)
            ? header
            : StripeSignatures.Header(body, TestSource.Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds()), expected, []);

    private static bool IsUtf8(byte[] body) => System.Text.Unicode.Utf8.IsValid(body);

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string RandomPrintable(Random random, int length) =>
        new([.. Enumerable.Range(0, length).Select(_ => (char)random.Next(0x21, 0x7F))]);

    private static List<(string, string)> RandomHeaders(Random random) =>
        [.. Enumerable.Range(0, random.Next(0, 5)).Select(i => ($"X-Junk-{i}-{random.Next()}", RandomPrintable(random, random.Next(0, 300))))];

    private sealed record HostileCase(string Category, string Url, byte[] Body, string? Signature, int Expected, List<(string Name, string Value)> Headers)
    {
        public HttpRequestMessage Build()
        {
            var request = StripeEvents.Request(Url, Body, Signature);
            foreach (var (name, value) in Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            return request;
        }
    }
}
