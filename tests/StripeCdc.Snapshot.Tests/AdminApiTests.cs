using System.Net;
using System.Net.Http.Json;
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

[Collection(KafkaCollection.Name)]
public sealed class AdminApiTests(KafkaFixture kafka)
{
    [Fact]
    public async Task The_worker_takes_snapshot_and_reconciliation_requests_over_http_and_reports_progress()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        FakeStripeSeeder.Seed(stripe.Data, "customer", 210);
        var products = FakeStripeSeeder.Seed(stripe.Data, "product", 50);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        stripe.Data.Add("/v1/events", new FakeObject("evt_admin1", now - 300, StripeObjects.Event("customer.deleted", StripeObjects.Customer("cus_gone"), "evt_admin1", now - 300)));
        var prefix = "admin" + Guid.NewGuid().ToString("N")[..8] + ".";
        var checkpoints = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"));
        var ledger = new InMemoryEventLedger();
        var flagsTopic = "flags_" + Guid.NewGuid().ToString("N")[..8];
        kafka.Cluster.CreateTopic(flagsTopic, partitions: 1);
        await using var app = WorkerApp.Build(
            [
                "--urls=http://127.0.0.1:0",
                $"--ConnectionStrings:kafka={kafka.BootstrapServers}",
                "--StripeCdc:Sources:default:StripeApiKey=sk_test_admin",
                $"--StripeCdc:Sources:default:StripeApiBase={stripe.ApiBase}",
                $"--StripeCdc:Sources:default:TopicPrefix={prefix}",
                "--StripeCdc:Sources:default:Resources=customer,product",
                "--StripeCdc:Snapshot:RequestsPerSecond=10000",
                $"--StripeCdc:Snapshot:CheckpointFolder={checkpoints}",
                "--StripeCdc:Snapshot:CheckpointStore=File",
                "--Logging:LogLevel:Default=Warning",
                "--StripeCdc:Admin:Token=admin-test-token",
                $"--StripeCdc:ModuleFlags:Topic={flagsTopic}",
            ],
            services => services.AddSingleton<IEventLedger>(ledger));
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var anonymous = new HttpClient { BaseAddress = address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/snapshots", new { resources = new[] { "customer" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/snapshots", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        using var http = new HttpClient { BaseAddress = address };
        http.DefaultRequestHeaders.Add("X-StripeCdc-Admin-Token", "admin-test-token");

        var started = await http.PostAsJsonAsync("/snapshots", new { source = "default", resources = new[] { "customer", "product" } });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal($"/snapshots/{id}", started.Headers.Location!.OriginalString);

        var progress = await PollAsync(http, $"/snapshots/{id}");
        Assert.Equal("Completed", progress.GetProperty("state").GetString());
        Assert.Equal(260, progress.GetProperty("objects").GetInt64());
        var customer = progress.GetProperty("resources").GetProperty("customer");
        Assert.Equal(210, customer.GetProperty("objects").GetInt64());
        Assert.Equal(3, customer.GetProperty("pages").GetInt64());

        var reconcile = await http.PostAsJsonAsync("/reconciliations", new { hours = 1 });
        Assert.Equal(HttpStatusCode.Accepted, reconcile.StatusCode);
        var reconcileId = (await reconcile.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var reconciled = await PollAsync(http, $"/reconciliations/{reconcileId}");
        Assert.Equal(1, reconciled.GetProperty("delivered").GetInt64());

        // prune: a product deleted while nothing listened becomes a delete after the next complete listing.
        stripe.Data.DeleteSilently("/v1/products", products[10]);
        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        var pruning = await http.PostAsJsonAsync("/snapshots", new { resources = new[] { "product" }, prune = true });
        Assert.Equal(HttpStatusCode.Accepted, pruning.StatusCode);
        var pruned = await PollAsync(http, $"/snapshots/{(await pruning.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()}");
        Assert.Equal("Completed", pruned.GetProperty("state").GetString());
        Assert.True(pruned.GetProperty("prune").GetBoolean());
        Assert.Equal(1, pruned.GetProperty("resources").GetProperty("product").GetProperty("pruned").GetInt64());
        Assert.Equal([products[10]], kafka.ReadRecords(prefix + "product").Where(r => r.Header("__op") == "d").Select(r => r.KeyId));

        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/snapshots", new { resources = new[] { "checkout" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/snapshots/snap_nope", UriKind.Relative))).StatusCode);
        Assert.Equal(211, kafka.ReadRecords(prefix + "customer").Count);
        await app.StopAsync();
    }

    private static async Task<JsonElement> PollAsync(HttpClient http, string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var view = await http.GetFromJsonAsync<JsonElement>(new Uri(path, UriKind.Relative));
            var state = view.GetProperty("state").GetString();
            if (state is not ("Pending" or "Running") || DateTime.UtcNow > deadline)
            {
                return view;
            }

            await Task.Delay(100);
        }
    }
}
