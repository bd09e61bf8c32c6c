using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.FakeStripe;
using StripeCdc.Ledger;
using StripeCdc.Snapshot.Hosting;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

/// <summary>SPEC §12 through the worker's admin API: a snapshot per account, and its accounts' progress.</summary>
[Collection(KafkaCollection.Name)]
public sealed class ConnectAdminApiTests(KafkaFixture kafka)
{
    [Fact]
    public async Task A_snapshot_of_all_accounts_reports_accounts_requested_done_and_in_progress()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        string[] accounts = ["acct_1AdminA", "acct_1AdminB", "acct_1AdminC"];
        foreach (var account in accounts)
        {
            FakeStripeSeeder.Seed(stripe.Accounts.Add(account), "customer", 300);
        }

        stripe.Faults.PageDelay = TimeSpan.FromMilliseconds(100);
        var flagsTopic = "flags_" + Guid.NewGuid().ToString("N")[..8];
        kafka.Cluster.CreateTopic(flagsTopic, partitions: 1);
        var checkpoints = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"));
        await using var app = WorkerApp.Build(
            [
                "--urls=http://127.0.0.1:0",
                $"--ConnectionStrings:kafka={kafka.BootstrapServers}",
                "--StripeCdc:Sources:default:StripeApiKey=sk_test_admin",
                $"--StripeCdc:Sources:default:StripeApiBase={stripe.ApiBase}",
                $"--StripeCdc:Sources:default:TopicPrefix=adminacct{Guid.NewGuid().ToString("N")[..8]}.",
                "--StripeCdc:Sources:default:Connect=true",
                "--StripeCdc:Sources:default:Resources=customer",
                "--StripeCdc:Snapshot:RequestsPerSecond=10000",
                "--StripeCdc:Snapshot:MaxConcurrentAccounts=1",
                $"--StripeCdc:Snapshot:CheckpointFolder={checkpoints}",
                "--StripeCdc:Snapshot:CheckpointStore=File",
                "--StripeCdc:Reconciliation:Interval=00:00:00",
                "--Logging:LogLevel:Default=Warning",
                "--StripeCdc:Admin:Token=admin-test-token",
                $"--StripeCdc:ModuleFlags:Topic={flagsTopic}",
            ],
            services => services.AddSingleton<IEventLedger>(new InMemoryEventLedger()));
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var http = new HttpClient { BaseAddress = address };
        http.DefaultRequestHeaders.Add("X-StripeCdc-Admin-Token", "admin-test-token");

        var started = await http.PostAsJsonAsync("/snapshots", new { source = "default", resources = new[] { "customer" }, accounts = new[] { "all" } });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        JsonElement? midway = null;
        JsonElement view;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            view = await http.GetFromJsonAsync<JsonElement>($"/snapshots/{id}");
            if (view.GetProperty("state").GetString() is "Completed" or "Failed")
            {
                break;
            }

            if (midway is null && view.GetProperty("accounts") is { ValueKind: JsonValueKind.Object } progress
                && progress.GetProperty("done").GetInt32() >= 1 && progress.GetProperty("inProgress").EnumerateObject().Any())
            {
                midway = view.Clone();
            }

            Assert.True(DateTime.UtcNow < deadline, "the snapshot did not finish: " + view);
            await Task.Delay(50);
        }

        Assert.Equal("Completed", view.GetProperty("state").GetString());
        var done = view.GetProperty("accounts");
        Assert.Equal(3, done.GetProperty("total").GetInt32());
        Assert.Equal(3, done.GetProperty("done").GetInt32());
        Assert.Empty(done.GetProperty("inProgress").EnumerateObject());
        Assert.Equal(900, view.GetProperty("resources").GetProperty("customer").GetProperty("objects").GetInt64());
        Assert.Equal(["all"], done.GetProperty("requested").EnumerateArray().Select(a => a.GetString()));

        Assert.NotNull(midway);
        var during = midway.Value.GetProperty("accounts");
        var running = Assert.Single(during.GetProperty("inProgress").EnumerateObject());
        Assert.Contains(running.Name, accounts);
        Assert.True(running.Value.TryGetProperty("customer", out _));
        Assert.InRange(during.GetProperty("done").GetInt32(), 1, 2);

        // A job of named accounts (a new account's backfill is one) says which.
        var one = await http.PostAsJsonAsync("/snapshots", new { source = "default", resources = new[] { "customer" }, accounts = new[] { "acct_1AdminB" }, restart = true });
        Assert.Equal(HttpStatusCode.Accepted, one.StatusCode);
        var requested = (await one.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accounts").GetProperty("requested");
        Assert.Equal(["acct_1AdminB"], requested.EnumerateArray().Select(a => a.GetString()));
        await app.StopAsync();
    }
}
