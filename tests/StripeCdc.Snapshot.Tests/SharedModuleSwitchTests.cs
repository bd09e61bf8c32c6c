using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.FakeStripe;
using StripeCdc.Ledger;
using StripeCdc.Snapshot.Hosting;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

/// <summary>Issue 11 gap 5: one module switch for the whole deployment — the ingest and the snapshot worker.</summary>
[Collection(KafkaCollection.Name)]
public sealed class SharedModuleSwitchTests(KafkaFixture kafka)
{
    private const string Token = "shared-switch-token";
    private const string Secret = "whsec_shared_switch_9dK3mQ7xL1";
    private const string Email = "jenny.rosen@example.com";

    [Fact]
    public async Task A_module_switched_on_the_ingest_applies_to_snapshot_records_and_one_switched_on_the_worker_to_webhook_records()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        FakeStripeSeeder.Seed(stripe.Data, "customer", 30);
        var id = Guid.NewGuid().ToString("N")[..8];
        var prefix = $"switch{id}.";
        var flagsTopic = $"flags_{id}";
        var ledgerTopic = $"ledger_{id}";
        kafka.Cluster.CreateTopic(flagsTopic, partitions: 1);
        kafka.Cluster.CreateTopic(ledgerTopic);
        // Every topic the source can write to: the ingest stops at start when one is missing (the mock cannot create it).
        foreach (var topic in new[] { "customer", "stripe_dlq", "unknown" })
        {
            kafka.Cluster.CreateTopic(prefix + topic);
        }
        var hashModule = WorkerProcess.BuiltService("samples/StripeCdc.Samples.HashEmail", "StripeCdc.Samples.HashEmail");
        var shared = new Dictionary<string, string>
        {
            ["ConnectionStrings:kafka"] = kafka.BootstrapServers,
            ["StripeCdc:Sources:default:TopicPrefix"] = prefix,
            ["StripeCdc:Sources:default:Resources"] = "customer",
            ["StripeCdc:ModuleAssemblies"] = hashModule,
            ["FeatureManagement:HashCustomerEmail"] = "false",
            ["StripeCdc:ModuleFlags:Topic"] = flagsTopic,
            ["StripeCdc:Admin:Token"] = Token,
        };

        var ingestUrl = $"http://127.0.0.1:{FreePort()}";
        var ingestEnvironment = shared.ToDictionary(e => e.Key.Replace(":", "__", StringComparison.Ordinal), e => e.Value);
        ingestEnvironment["StripeCdc__Sources__default__ApiKey"] = "switch-key";
        ingestEnvironment["StripeCdc__Sources__default__SigningSecrets"] = Secret;
        ingestEnvironment["StripeCdc__Ledger__Topic"] = ledgerTopic;
        ingestEnvironment["STRIPECDC_SECRETS_FILE"] = Path.Combine(Path.GetTempPath(), "stripecdc-none", id + ".json");
        ingestEnvironment["ASPNETCORE_ENVIRONMENT"] = "Production";
        ingestEnvironment["Logging__LogLevel__Default"] = "Information";
        using var ingestProcess = WorkerProcess.Start(["--urls", ingestUrl], ingestEnvironment, WorkerProcess.BuiltService("src/StripeCdc.Ingest", "StripeCdc.Ingest"));
        using var ingest = AdminClient(new Uri(ingestUrl));

        var checkpoints = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"));
        string[] workerArgs =
        [
            "--urls=http://127.0.0.1:0",
            "--StripeCdc:Sources:default:StripeApiKey=sk_test_switch",
            $"--StripeCdc:Sources:default:StripeApiBase={stripe.ApiBase}",
            "--StripeCdc:Snapshot:RequestsPerSecond=10000",
            $"--StripeCdc:Snapshot:CheckpointFolder={checkpoints}",
            "--StripeCdc:Snapshot:CheckpointStore=File",
            "--StripeCdc:Reconciliation:Interval=0",
            "--Logging:LogLevel:Default=Warning",
            .. shared.Select(e => $"--{e.Key}={e.Value}"),
        ];
        await using var worker = WorkerApp.Build(workerArgs, services => services.AddSingleton<IEventLedger>(new InMemoryEventLedger()));
        await worker.StartAsync();
        using var workerClient = AdminClient(new Uri(worker.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
        Assert.False(await IsEnabledAsync(workerClient));
        Assert.True(await PollAsync(async () => await IsUpAsync(ingest), ingestProcess), "the ingest did not come up: " + ingestProcess.Output);
        Assert.False(await IsEnabledAsync(ingest));

        // Switched on through the ingest's admin API: the worker follows, and its snapshot records are hashed.
        using (var switched = await ingest.PutAsJsonAsync("/admin/pipeline/modules/HashCustomerEmail", new { enabled = true }))
        {
            Assert.Equal(HttpStatusCode.OK, switched.StatusCode);
        }

        Assert.True(await PollAsync(() => IsEnabledAsync(workerClient), ingestProcess), "the worker did not apply the switch made on the ingest: " + ingestProcess.Output);
        using (var snapshot = await workerClient.PostAsJsonAsync("/snapshots", new { resources = new[] { "customer" } }))
        {
            Assert.Equal(HttpStatusCode.Accepted, snapshot.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, await DeliverAsync(ingest, "cus_hook1"));
        var hashed = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Email)));
        var records = kafka.Read(prefix + "customer", expected: 31, TimeSpan.FromSeconds(60));
        Assert.Equal(31, records.Count);
        Assert.All(records, r => Assert.Matches("^[0-9a-f]{64}$", Value(r.Message.Value).GetProperty("email").GetString()));
        Assert.Equal(hashed, records.Select(r => Value(r.Message.Value)).Single(v => v.GetProperty("id").GetString() == "cus_hook1").GetProperty("email").GetString());

        // Switched off through the worker's admin API: the ingest follows.
        using (var switched = await workerClient.PutAsJsonAsync("/admin/pipeline/modules/HashCustomerEmail", new { enabled = false }))
        {
            Assert.Equal(HttpStatusCode.OK, switched.StatusCode);
        }

        Assert.True(await PollAsync(async () => !await IsEnabledAsync(ingest), ingestProcess), "the ingest did not apply the switch made on the worker: " + ingestProcess.Output);
        Assert.Equal(HttpStatusCode.OK, await DeliverAsync(ingest, "cus_hook2"));
        var last = kafka.Read(prefix + "customer", expected: 32, TimeSpan.FromSeconds(60)).Select(r => Value(r.Message.Value)).Single(v => v.GetProperty("id").GetString() == "cus_hook2");
        Assert.Equal(Email, last.GetProperty("email").GetString());
        await worker.StopAsync();
    }

    private static HttpClient AdminClient(Uri address)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-StripeCdc-Admin-Token", Token);
        return client;
    }

    private static async Task<bool> IsUpAsync(HttpClient client)
    {
        try
        {
            using var alive = await client.GetAsync(new Uri("/alive", UriKind.Relative));
            return alive.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static async Task<bool> IsEnabledAsync(HttpClient admin)
    {
        var pipeline = await admin.GetFromJsonAsync<JsonElement>("/admin/pipeline");
        return pipeline.GetProperty("modules").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "HashCustomerEmail").GetProperty("enabled").GetBoolean();
    }

    private static async Task<HttpStatusCode> DeliverAsync(HttpClient ingest, string customerId)
    {
        var payload = StripeObjects.Event("customer.created", StripeObjects.Customer(customerId, Email), "evt_" + Guid.NewGuid().ToString("N")[..20]);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/stripe?api_key=switch-key") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", Stripe.EventUtility.GenerateSignatureHeader(payload, Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        using var response = await ingest.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<bool> PollAsync(Func<Task<bool>> condition, WorkerProcess ingest)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !ingest.HasExited)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    private static JsonElement Value(byte[] value) => JsonDocument.Parse(value).RootElement;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
