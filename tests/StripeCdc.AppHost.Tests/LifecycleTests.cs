using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.AppHost.Kafka;
using StripeCdc.Testing;

namespace StripeCdc.AppHost.Tests;

/// <summary>
/// How the stack's services stop and fail under DCP. Each test runs its own app against a Kafka cluster of the
/// test's (given to the AppHost as the connection string <c>kafka</c>), so the records outlive the app.
/// </summary>
public sealed class LifecycleTests : IClassFixture<LifecycleTests.Kafka>
{
    private const string ApiKey = "lifecycle-test-key";
    private readonly Kafka _kafka;

    public LifecycleTests(Kafka kafka) => _kafka = kafka;

    [Fact]
    public async Task Stopping_the_apphost_under_load_lets_the_ingest_exit_gracefully_and_every_answered_event_is_in_kafka()
    {
        await using var app = await StartAsync();
        using var ingest = app.CreateHttpClient("ingest");
        ingest.Timeout = TimeSpan.FromSeconds(15);

        var answered = new ConcurrentBag<string>();
        using var load = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 8).Select(_ => PostUntilStoppedAsync(ingest, answered, load.Token)).ToArray();
        await WaitUntilAsync(() => answered.Count >= 200, TimeSpan.FromSeconds(30));
        using var output = DcpCapturedOutput.Open("StripeCdc.Ingest");
        await app.StopAsync();
        await load.CancelAsync();
        await Task.WhenAll(clients);

        // The service itself received the stop signal (under `dotnet run` only the wrapper gets it, and it ignores it).
        await WaitUntilAsync(() => output.ReadToEnd().Contains("Application is shutting down", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        AssertAllInKafka(answered);
    }

    [Fact]
    public async Task The_stop_command_stops_the_ingest_under_load_losing_no_answered_event_and_start_brings_it_back()
    {
        await using var app = await StartAsync();
        using var ingest = app.CreateHttpClient("ingest");
        ingest.Timeout = TimeSpan.FromSeconds(15);
        var answered = new ConcurrentBag<string>();
        using var load = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 4).Select(_ => PostUntilStoppedAsync(ingest, answered, load.Token)).ToArray();
        await WaitUntilAsync(() => answered.Count >= 100, TimeSpan.FromSeconds(30));

        var stop = await Commands(app).ExecuteCommandAsync("ingest", KnownResourceCommands.StopCommand);
        await load.CancelAsync();
        await Task.WhenAll(clients);

        Assert.True(stop.Success, stop.Message);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.ResourceNotifications.WaitForResourceAsync(
            "ingest", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
        AssertAllInKafka(answered);

        var start = await Commands(app).ExecuteCommandAsync("ingest", KnownResourceCommands.StartCommand);
        Assert.True(start.Success, start.Message);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("ingest", timeout.Token);
    }

    [Fact]
    public async Task A_killed_ingest_is_shown_as_exited_and_the_dashboards_start_command_brings_it_back()
    {
        await using var app = await StartAsync();
        var running = await app.ResourceNotifications.WaitForResourceHealthyAsync("ingest");
        var pid = Convert.ToInt32(running.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value, System.Globalization.CultureInfo.InvariantCulture);

        Process.GetProcessById(pid).Kill();

        // Aspire does not restart a process that dies: the resource shows a terminal state (Finished, with its exit
        // code) until someone starts it again.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var exited = await app.ResourceNotifications.WaitForResourceAsync(
            "ingest", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), timeout.Token);
        Assert.NotNull(exited.Snapshot.ExitCode);

        var start = await Commands(app).ExecuteCommandAsync("ingest", KnownResourceCommands.StartCommand);
        Assert.True(start.Success, start.Message);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("ingest", timeout.Token);
        using var ingest = app.CreateHttpClient("ingest");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(ingest, "evt_after_restart_" + Guid.NewGuid().ToString("N")[..8])).StatusCode);
    }

    private async Task<DistributedApplication> StartAsync()
    {
        using var timeout = new CancellationTokenSource(StackFixture.StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.StripeCdc_AppHost>(
            [$"ConnectionStrings:kafka={_kafka.BootstrapServers}", $"StripeCdc:Sources:default:ApiKey={ApiKey}"],
            timeout.Token);
        var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("ingest", timeout.Token);
        return app;
    }

    private static ResourceCommandService Commands(DistributedApplication app) => app.Services.GetRequiredService<ResourceCommandService>();

    private void AssertAllInKafka(IReadOnlyCollection<string> answered)
    {
        var inKafka = _kafka.ReadAll("customer")
            .Select(r => JsonDocument.Parse(r.Message.Value).RootElement.GetProperty("_event_id").GetString())
            .ToHashSet();
        var missing = answered.Where(id => !inKafka.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {answered.Count} events answered 200 are not in Kafka.");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(condition(), $"Not true within {timeout}.");
    }

    /// <summary>Posts events one after another until told to stop; remembers the ids answered 200.</summary>
    private static async Task PostUntilStoppedAsync(HttpClient ingest, ConcurrentBag<string> answered, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var id = "evt_stop_" + Guid.NewGuid().ToString("N");
            try
            {
                using var response = await PostAsync(ingest, id, stop);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    answered.Add(id);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                // Refused or cut off while stopping: not answered, so Stripe would deliver it again.
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient ingest, string eventId, CancellationToken cancellationToken = default) =>
        ingest.PostAsync(
            $"/webhooks/stripe?api_key={ApiKey}",
            new StringContent(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_" + eventId[^12..]), id: eventId), Encoding.UTF8, "application/json"),
            cancellationToken);

    /// <summary>
    /// The test's own cluster with every topic the services expect, the same the AppHost gives its embedded cluster
    /// (it has no CreateTopics API, and the ingest stops at start when a topic is missing); 8 partitions: room for every record.
    /// </summary>
    public sealed class Kafka : EmbeddedKafkaFixture
    {
        public Kafka()
        {
            foreach (var topic in StackTopics.Defaults())
            {
                Cluster.CreateTopic(topic, partitions: 8);
            }
        }
    }
}
