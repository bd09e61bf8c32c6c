using System.Diagnostics;
using System.Net.Http.Headers;

namespace StripeCdc.Ingest.Benchmark;

/// <summary>Posts signed events: closed loop (as fast as N clients can) or open loop at a fixed rate.</summary>
internal sealed class LoadGenerator(HttpClient client, string url, EventSource events)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>Non-2xx answers by status code, for the report.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<int, long> FailedStatuses { get; } = new();

    /// <summary>Max rate: <paramref name="concurrency"/> clients each sending the next event as soon as the last is answered.</summary>
    public async Task<LoadResult> ClosedLoopAsync(int concurrency, TimeSpan warmup, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var measureFrom = warmup;
        var measureTo = warmup + duration;
        var perWorker = new List<double>[concurrency];
        long failed = 0;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var latencies = perWorker[worker] = new List<double>(100_000);
            while (clock.Elapsed < measureTo)
            {
                var started = clock.Elapsed;
                var ok = await SendAsync();
                var ended = clock.Elapsed;
                if (started >= measureFrom && ended <= measureTo)
                {
                    if (ok)
                    {
                        latencies.Add((ended - started).TotalMilliseconds);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            }
        }));
        return LoadResult.From([.. perWorker.SelectMany(l => l)], failed, duration);
    }

    /// <summary>Open loop: requests start on schedule whether or not earlier ones were answered.</summary>
    public async Task<LoadResult> FixedRateAsync(double perSecond, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var latencies = new List<double>((int)(perSecond * duration.TotalSeconds) + 16);
        var gate = new Lock();
        long failed = 0;
        long sent = 0;
        var inFlight = new List<Task>();
        while (clock.Elapsed < duration)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * perSecond);
            for (; sent < due; sent++)
            {
                inFlight.Add(TimedAsync());
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(inFlight);
        return LoadResult.From(latencies, failed, duration);

        async Task TimedAsync()
        {
            var started = clock.Elapsed;
            var ok = await SendAsync();
            var took = (clock.Elapsed - started).TotalMilliseconds;
            lock (gate)
            {
                if (ok)
                {
                    latencies.Add(took);
                }
                else
                {
                    failed++;
                }
            }
        }
    }

    private async Task<bool> SendAsync()
    {
        var (body, signature) = events.Next();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        try
        {
            using var response = await client.SendAsync(request);
            if (!response.IsSuccessStatusCode)
            {
                FailedStatuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            }

            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
