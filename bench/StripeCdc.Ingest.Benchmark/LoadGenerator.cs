using System.Diagnostics;
using System.Net.Http.Headers;

namespace StripeCdc.Ingest.Benchmark;

/// <summary>Posts signed events: closed loop (as fast as N clients can) or open loop at a fixed rate.</summary>
internal sealed class LoadGenerator(HttpClient client, string url, EventSource events, CpuClock cpu)
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
        var cpuUse = MeasureCpuAsync(clock, measureFrom, measureTo);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var latencies = perWorker[worker] = new List<double>(4096);
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
        return LoadResult.From([.. perWorker.SelectMany(l => l)], failed, duration, await cpuUse);
    }

    /// <summary>
    /// Open loop: requests start on schedule whether or not earlier ones were answered. The first
    /// <paramref name="leadIn"/> is sent but not measured: it lets both sides settle from the closed-loop
    /// phase (connection pool size, the driver's garbage from the last phase).
    /// </summary>
    public async Task<LoadResult> FixedRateAsync(double perSecond, TimeSpan leadIn, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var end = leadIn + duration;
        var latencies = new List<double>((int)(perSecond * duration.TotalSeconds) + 16);
        var gate = new Lock();
        long failed = 0;
        long sent = 0;
        var inFlight = new List<Task>();
        var cpuUse = MeasureCpuAsync(clock, leadIn, end);
        while (clock.Elapsed < end)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * perSecond);
            for (; sent < due; sent++)
            {
                inFlight.Add(TimedAsync());
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(inFlight);
        return LoadResult.From(latencies, failed, duration, await cpuUse);

        async Task TimedAsync()
        {
            var started = clock.Elapsed;
            var ok = await SendAsync();
            if (started < leadIn)
            {
                return;
            }

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

    private async Task<CpuUse> MeasureCpuAsync(Stopwatch clock, TimeSpan from, TimeSpan to)
    {
        await Task.Delay(Until(from));
        var start = cpu.Read();
        await Task.Delay(Until(to));
        return CpuClock.Between(start, cpu.Read());

        TimeSpan Until(TimeSpan at) => at > clock.Elapsed ? at - clock.Elapsed : TimeSpan.Zero;
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
