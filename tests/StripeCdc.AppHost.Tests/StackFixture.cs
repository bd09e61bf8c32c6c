using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.FakeStripe;
using StripeCdc.Testing;

namespace StripeCdc.AppHost.Tests;

/// <summary>
/// The AppHost as <c>dotnet run</c> starts it (DCP, the Aspire dashboard, the Kafka host, ingest and snapshot
/// processes), on random ports, started once for the collection. The snapshot worker reads a fake Stripe API.
/// </summary>
public sealed class StackFixture : IAsyncLifetime
{
    public const string SigningSecret = "whsec_stack_test_3b9f";
    public const string ApiKey = "stack-test-key";

    /// <summary>Customers the fake Stripe API holds for the snapshot worker.</summary>
    public const int StripeCustomers = 150;

    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    internal FakeStripeServer Stripe { get; private set; } = null!;

    public IReadOnlyList<string> SeededCustomers { get; private set; } = [];

    public DistributedApplication App { get; private set; } = null!;

    public string KafkaBootstrap { get; private set; } = "";

    public HttpClient Ingest { get; private set; } = null!;

    /// <summary>The dashboard's login link (<c>…/login?t=&lt;browser token&gt;</c>).</summary>
    public string DashboardLoginUrl { get; private set; } = "";

    /// <summary>Signed in to the dashboard (its telemetry API answers this client).</summary>
    public HttpClient Dashboard { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        Stripe = await FakeStripeServer.StartAsync();
        SeededCustomers = FakeStripeSeeder.Seed(Stripe.Data, "customer", StripeCustomers, tag: "STACK");

        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.StripeCdc_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = true },
            [$"StripeCdc:Sources:default:ApiKey={ApiKey}"],
            timeout.Token);
        // The testing builder turns the dashboard's input dialogs off; the browser test runs a command that asks for input.
        builder.Configuration["ASPIRE_INTERACTIVITY_ENABLED"] = "true";
        builder.CreateResourceBuilder<ProjectResource>("ingest")
            .WithEnvironment("StripeCdc__Sources__default__SigningSecrets", SigningSecret);
        builder.CreateResourceBuilder<ProjectResource>("snapshot")
            .WithEnvironment("StripeCdc__Sources__default__StripeApiKey", "sk_test_stack")
            .WithEnvironment("StripeCdc__Sources__default__StripeApiBase", Stripe.ApiBase)
            .WithEnvironment("StripeCdc__Snapshot__RequestsPerSecond", "1000")
            .WithEnvironment("StripeCdc__Snapshot__CheckpointFolder", Path.Combine(Path.GetTempPath(), "stripecdc-stack-" + Guid.NewGuid().ToString("N")));

        App = await builder.BuildAsync(timeout.Token);
        await App.StartAsync(timeout.Token);
        foreach (var resource in new[] { "kafka", "ingest", "snapshot" })
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        KafkaBootstrap = (await App.GetConnectionStringAsync("kafka", timeout.Token))!;
        Ingest = App.CreateHttpClient("ingest");
        DashboardLoginUrl = (await App.GetDashboardUrlAsync(timeout.Token))!.ToString();
        Dashboard = await SignInAsync(DashboardLoginUrl);
    }

    public async Task DisposeAsync()
    {
        Ingest?.Dispose();
        Dashboard?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        await Stripe.DisposeAsync();
    }

    public Task<ExecuteCommandResult> ExecuteCommandAsync(string resource, string command, params (string Name, InputType Type, string Value)[] arguments) =>
        App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(
            resource,
            command,
            new InteractionInputCollection([.. arguments.Select(a => new InteractionInput { Name = a.Name, InputType = a.Type, Value = a.Value })]));

    /// <summary>Posts a Stripe-signed event to the ingest's webhook URL.</summary>
    public async Task<HttpResponseMessage> PostEventAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/stripe?api_key={ApiKey}") { Content = content };
        request.Headers.Add("Stripe-Signature", global::Stripe.EventUtility.GenerateSignatureHeader(body, SigningSecret));
        return await Ingest.SendAsync(request);
    }

    /// <summary>Posts an event with a signature that matches no secret: 400, and its body in the DLQ.</summary>
    public async Task DeadLetterAsync(string eventId)
    {
        var body = StripeObjects.Event("customer.created", StripeObjects.Customer("cus_" + eventId), id: eventId);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/stripe?api_key={StackFixture.ApiKey}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Stripe-Signature", "t=1,v1=" + new string('0', 64));
        Assert.Equal(HttpStatusCode.BadRequest, (await Ingest.SendAsync(request)).StatusCode);
        Assert.NotNull(FindRecord("stripe_dlq", r => Encoding.UTF8.GetString(r.Message.Value) == body));
    }

    /// <summary>Reads a topic from the beginning until a record satisfies <paramref name="match"/>.</summary>
    public ConsumeResult<byte[], byte[]>? FindRecord(string topic, Func<ConsumeResult<byte[], byte[]>, bool> match, TimeSpan? timeout = null) =>
        KafkaTopic.Find(KafkaBootstrap, topic, match, timeout ?? TimeSpan.FromSeconds(20));

    public static string? Header(ConsumeResult<byte[], byte[]> result, string name) =>
        result.Message.Headers.TryGetLastBytes(name, out var value) ? Encoding.UTF8.GetString(value) : null;

    /// <summary>Polls the dashboard's telemetry API until the trace's spans satisfy <paramref name="complete"/> (or 60 s pass).</summary>
    internal async Task<IReadOnlyList<SpanView>> WaitForSpansAsync(string traceId, Func<IReadOnlyList<SpanView>, bool> complete)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        IReadOnlyList<SpanView> spans = [];
        while (DateTime.UtcNow < deadline)
        {
            var answer = await Dashboard.GetFromJsonAsync<JsonElement>($"/api/telemetry/spans?traceId={traceId}");
            spans = SpanView.Read(answer);
            if (complete(spans))
            {
                return spans;
            }

            await Task.Delay(500);
        }

        return spans;
    }

    /// <summary>Exchanges the browser token for the telemetry API key, as the dashboard's own tooling does.</summary>
    private static async Task<HttpClient> SignInAsync(string loginUrl)
    {
        var login = new Uri(loginUrl);
        var client = new HttpClient { BaseAddress = new Uri(login.GetLeftPart(UriPartial.Authority)) };
        var token = System.Web.HttpUtility.ParseQueryString(login.Query)["t"];
        var response = await client.PostAsJsonAsync("/api/telemetry/validateToken", new { token });
        response.EnsureSuccessStatusCode();
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        foreach (var property in answer.EnumerateObject())
        {
            if (property.NameEquals("apiKey") && property.Value.GetString() is { Length: > 0 } apiKey)
            {
                client.DefaultRequestHeaders.Add("x-api-key", apiKey);
            }
        }

        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}
