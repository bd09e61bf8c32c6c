using System.Net;
using System.Net.Sockets;
using System.Text;
using StripeCdc.Ingest.Tests.Support;

namespace StripeCdc.Ingest.Tests.Webhooks;

/// <summary>Issue 12.5: hostile but authenticated requests cannot exhaust memory; bodies are buffered as they arrive, within a global budget.</summary>
[Collection(KafkaCollection.Name)]
public sealed class BodyMemoryTests(KafkaFixture kafka)
{
    private const int SlowRequests = 512;
    private const long ClaimedLength = 50L * 1024 * 1024;
    private const int SentBytes = 512 * 1024;

    [Fact]
    public async Task Slow_requests_claiming_50_MB_each_under_a_512_MB_heap_cause_no_OutOfMemory_and_other_events_are_still_answered()
    {
        var source = new TestSource();
        var settings = new Dictionary<string, string?>(source.Settings)
        {
            // A small container: the GC heap is capped at 512 MB.
            ["DOTNET_GCHeapHardLimit"] = "0x20000000",
        };
        using var child = await ChildIngest.StartAsync(kafka, settings);
        var sockets = new List<Socket>();
        long peakRss = 0;
        try
        {
            var head = Encoding.ASCII.GetBytes(
                $"POST {source.Url()} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + $"Stripe-Signature: t=1,v1=00\r\nContent-Length: {ClaimedLength}\r\n\r\n");
            var chunk = new byte[SentBytes];
            Array.Fill(chunk, (byte)' ');
            await Parallel.ForEachAsync(Enumerable.Range(0, SlowRequests), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                lock (sockets)
                {
                    sockets.Add(socket);
                }

                try
                {
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, child.Address.Port), ct);
                    await socket.SendAsync(head, SocketFlags.None, ct);
                    await socket.SendAsync(chunk, SocketFlags.None, ct);
                }
                catch (SocketException)
                {
                    // Refused or closed by the server (a 503 answer closes the connection): memory stayed bounded.
                }

                RaisePeak(ref peakRss, child.ResidentBytes());
            });

            // The slow senders now stall mid-body; meanwhile a real event must still get through.
            using var valid = await child.Client.SendAsync(StripeEvents.Request(source, StripeEvents.CustomerCreated()));
            for (var i = 0; i < 20; i++)
            {
                RaisePeak(ref peakRss, child.ResidentBytes());
                await Task.Delay(100);
            }

            using var alive = await child.Client.GetAsync("/alive");

            Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
            Assert.False(child.Process.HasExited);
            Assert.DoesNotContain(child.Output, l => l.Contains("OutOfMemoryException", StringComparison.Ordinal));
            var peak = Interlocked.Read(ref peakRss);
            Assert.True(peak < 500L * 1024 * 1024, $"peak RSS {peak / (1024 * 1024)} MB");
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>Keeps the highest reading: 32 senders measure at once, and a plain max could overwrite a higher one.</summary>
    private static void RaisePeak(ref long peak, long reading)
    {
        var seen = Interlocked.Read(ref peak);
        while (reading > seen)
        {
            var before = Interlocked.CompareExchange(ref peak, reading, seen);
            if (before == seen)
            {
                return;
            }

            seen = before;
        }
    }
}
