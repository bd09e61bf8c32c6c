using System.Text;
using Confluent.Kafka;
using StripeCdc.AppHost.Hosting;
using StripeCdc.AppHost.Testing;
using StripeCdc.FakeStripe;

namespace StripeCdc.AppHost.Tests;

/// <summary>The whole stack (embedded Kafka, ingest and snapshot processes, dashboard), started once per collection.</summary>
public sealed class StackFixture : IAsyncLifetime
{
    public const string SigningSecret = "whsec_stack_test_3b9f";
    public const string ApiKey = "stack-test-key";

    /// <summary>Customers the fake Stripe API holds for the snapshot worker.</summary>
    public const int StripeCustomers = 150;

    private readonly string _checkpoints = Path.Combine(Path.GetTempPath(), "stripecdc-stack-" + Guid.NewGuid().ToString("N"));

    internal FakeStripeServer Stripe { get; private set; } = null!;

    internal DistributedApplication App { get; private set; } = null!;

    public string KafkaBootstrap { get; private set; } = "";

    public HttpClient Ingest { get; private set; } = null!;

    public HttpClient Dashboard { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Stripe = await FakeStripeServer.StartAsync();
        FakeStripeSeeder.Seed(Stripe.Data, "customer", StripeCustomers, tag: "STACK");
        var testing = await DistributedApplicationTestingBuilder.CreateAsync();
        testing.WithEnvironment(StripeCdcStack.Ingest, "StripeCdc__Sources__default__SigningSecrets", SigningSecret)
            .WithEnvironment(StripeCdcStack.Snapshot, "StripeCdc__Sources__default__StripeApiKey", "sk_test_stack")
            .WithEnvironment(StripeCdcStack.Snapshot, "StripeCdc__Sources__default__StripeApiBase", Stripe.ApiBase)
            .WithEnvironment(StripeCdcStack.Snapshot, "StripeCdc__Snapshot__RequestsPerSecond", "1000")
            .WithEnvironment(StripeCdcStack.Snapshot, "StripeCdc__Snapshot__CheckpointFolder", _checkpoints);
        App = await testing.BuildAsync();
        await App.StartAsync();
        await App.WaitForResourceHealthyAsync(StripeCdcStack.Ingest, TimeSpan.FromSeconds(120));
        await App.WaitForResourceHealthyAsync(StripeCdcStack.Snapshot, TimeSpan.FromSeconds(120));
        KafkaBootstrap = (await App.GetConnectionStringAsync(StripeCdcStack.Kafka))!;
        Ingest = App.CreateHttpClient(StripeCdcStack.Ingest);
        Dashboard = new HttpClient { BaseAddress = new Uri(App.Dashboard.DashboardUrl) };
    }

    public async Task DisposeAsync()
    {
        Ingest.Dispose();
        Dashboard.Dispose();
        await App.DisposeAsync();
        await Stripe.DisposeAsync();
        if (Directory.Exists(_checkpoints))
        {
            Directory.Delete(_checkpoints, recursive: true);
        }
    }

    /// <summary>Posts a Stripe-signed event to the ingest's webhook URL.</summary>
    public async Task<HttpResponseMessage> PostEventAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/stripe?api_key={ApiKey}") { Content = content };
        request.Headers.Add("Stripe-Signature", global::Stripe.EventUtility.GenerateSignatureHeader(body, SigningSecret));
        return await Ingest.SendAsync(request);
    }

    /// <summary>Reads a topic from the beginning until a record satisfies <paramref name="match"/>.</summary>
    public ConsumeResult<byte[], byte[]>? FindRecord(string topic, Func<ConsumeResult<byte[], byte[]>, bool> match, TimeSpan? timeout = null)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = KafkaBootstrap,
            GroupId = "stack-test-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        // Assigning partitions directly skips the consumer-group join, which takes seconds.
        using (var admin = new DependentAdminClientBuilder(consumer.Handle).Build())
        {
            var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.Single().Partitions;
            consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));
        }

        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(250));
            if (result?.Message is not null && match(result))
            {
                return result;
            }
        }

        return null;
    }

    public static string? Header(ConsumeResult<byte[], byte[]> result, string name) =>
        result.Message.Headers.TryGetLastBytes(name, out var value) ? Encoding.UTF8.GetString(value) : null;
}

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}
