using System.Collections.Concurrent;
using System.Net;
using StripeCdc.Ingest.Tests.Support;

namespace StripeCdc.Ingest.Tests.Faults;

/// <summary>SPEC §2 "a 2xx means durably in Kafka" when the process dies, and graceful shutdown.</summary>
[Collection(KafkaCollection.Name)]
public sealed class ProcessCrashTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Every_event_answered_2xx_is_in_Kafka_after_the_process_is_killed_with_SIGKILL()
    {
        var source = new TestSource();
        using var child = await ChildIngest.StartAsync(kafka, source.Settings);
        var acknowledged = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();

        var senders = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var eventId = StripeEvents.NewId();
                try
                {
                    using var response = await child.Client.SendAsync(StripeEvents.Request(source, StripeEvents.CustomerCreated(eventId)));
                    if (response.IsSuccessStatusCode)
                    {
                        acknowledged.Add(eventId);
                    }
                }
                catch (HttpRequestException)
                {
                    return;
                }
                catch (TaskCanceledException)
                {
                    return;
                }
            }
        })).ToList();

        await Eventually.HoldsAsync(() => Task.FromResult(acknowledged.Count >= 200), TimeSpan.FromSeconds(20));
        child.Process.Kill();
        await child.Process.WaitForExitAsync();
        await stop.CancelAsync();
        await Task.WhenAll(senders);

        var inKafka = KafkaFaultTests.EventIds(kafka.ReadAll(source.Topic("customer"))).ToHashSet();
        Assert.True(acknowledged.Count >= 200, $"only {acknowledged.Count} events were acknowledged before the kill");
        Assert.All(acknowledged, id => Assert.Contains(id, inKafka));
    }

    [Fact]
    public async Task Graceful_shutdown_stops_accepting_finishes_in_flight_events_then_exits()
    {
        var source = new TestSource();
        using var child = await ChildIngest.StartAsync(kafka, source.Settings);
        using var warmUp = await child.Client.SendAsync(StripeEvents.Request(source, StripeEvents.CustomerCreated()));
        var payloads = Enumerable.Range(0, 4).Select(_ => StripeEvents.CustomerCreated()).ToList();

        for (var broker = 1; broker <= 3; broker++)
        {
            kafka.Cluster.SetBrokerLatency(broker, TimeSpan.FromMilliseconds(700));
        }

        HttpResponseMessage[] inFlight;
        bool refusedAfterwards;
        try
        {
            var sends = payloads.Select(p => child.Client.SendAsync(StripeEvents.Request(source, p))).ToList();
            await Task.Delay(300);
            child.Terminate();
            inFlight = await Task.WhenAll(sends);
            refusedAfterwards = await Refuses(child, source);
        }
        finally
        {
            for (var broker = 1; broker <= 3; broker++)
            {
                kafka.Cluster.SetBrokerLatency(broker, TimeSpan.Zero);
            }
        }

        var exited = child.Process.WaitForExit(TimeSpan.FromSeconds(20));

        Assert.All(inFlight, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.True(refusedAfterwards);
        Assert.True(exited);
        Assert.Equal(0, child.Process.ExitCode);
        var ids = KafkaFaultTests.EventIds(kafka.ReadAll(source.Topic("customer")));
        Assert.All(payloads, p => Assert.Contains(KafkaFaultTests.EventId(p), ids));
    }

    private static async Task<bool> Refuses(ChildIngest child, TestSource source)
    {
        try
        {
            using var late = await child.Client.SendAsync(StripeEvents.Request(source, StripeEvents.CustomerCreated()));
            return late.StatusCode != HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return true;
        }
    }
}
