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
        var checkpoints = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"));
        await using var app = await StartWorkerAsync(stripe, checkpoints);
        using var http = AdminClient(app);

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

    [Fact]
    public async Task A_snapshot_of_accounts_reports_an_account_that_failed_by_its_id_and_the_others_done()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        const string Present = "acct_1AdminPresent";
        const string Gone = "acct_1AdminGone";
        FakeStripeSeeder.Seed(stripe.Accounts.Add(Present), "customer", 50);
        var checkpoints = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"));
        await using var app = await StartWorkerAsync(stripe, checkpoints);
        using var http = AdminClient(app);

        var started = await http.PostAsJsonAsync("/snapshots", new { source = "default", resources = new[] { "customer" }, accounts = new[] { Present, Gone } });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var view = await UntilFinishedAsync(http, $"/snapshots/{id}");

        var accounts = view.GetProperty("accounts");
        Assert.Equal(2, accounts.GetProperty("total").GetInt32());
        Assert.Equal(2, accounts.GetProperty("done").GetInt32());
        Assert.Equal(1, accounts.GetProperty("failed").GetInt32());
        Assert.Equal([Gone], accounts.GetProperty("failedAccounts").EnumerateArray().Select(a => a.GetString()));
        Assert.Empty(accounts.GetProperty("inProgress").EnumerateObject());
        Assert.Equal(50, view.GetProperty("resources").GetProperty("customer").GetProperty("objects").GetInt64());
        await app.StopAsync();
    }

    [Fact]
    public async Task Positions_after_runs_of_two_accounts_show_where_each_ended_and_survive_a_restart()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        const string A = "acct_1AdminPosA";
        const string B = "acct_1AdminPosB";
        stripe.Accounts.Add(A);
        stripe.Accounts.Add(B);
        stripe.Accounts.AddEvent(A, "customer.updated", StripeObjects.Customer("cus_admin_pos", "a@example.com"), "evt_admin_pos_a", DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600);
        var checkpoints = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"));
        var ended = new Dictionary<string, DateTimeOffset>();
        await using (var app = await StartWorkerAsync(stripe, checkpoints))
        {
            using var http = AdminClient(app);
            Assert.Empty((await http.GetFromJsonAsync<JsonElement>("/reconciliations/positions")).EnumerateObject());
            foreach (var account in new[] { A, B })
            {
                var started = await http.PostAsJsonAsync("/reconciliations", new { source = "default", hours = 2, account });
                Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
                var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
                var run = await UntilFinishedAsync(http, $"/reconciliations/{id}");
                Assert.Equal("Completed", run.GetProperty("state").GetString());
                Assert.Equal(account, run.GetProperty("account").GetString());
                ended[account] = run.GetProperty("to").GetDateTimeOffset();
            }

            Assert.Equal(ended, await PositionsAsync(http));
            await app.StopAsync();
        }

        await using (var restarted = await StartWorkerAsync(stripe, checkpoints))
        {
            using var http = AdminClient(restarted);
            Assert.Equal(ended, await PositionsAsync(http));
            await restarted.StopAsync();
        }
    }

    [Fact]
    public async Task A_reconciliation_for_a_bad_account_id_or_on_a_source_without_connect_is_refused_with_a_400_that_says_why()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var checkpoints = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"));
        await using var app = await StartWorkerAsync(
            stripe,
            checkpoints,
            "--StripeCdc:Sources:plain:StripeApiKey=sk_test_plain",
            $"--StripeCdc:Sources:plain:StripeApiBase={stripe.ApiBase}",
            $"--StripeCdc:Sources:plain:TopicPrefix=adminplain{Guid.NewGuid().ToString("N")[..8]}.",
            "--StripeCdc:Sources:plain:Resources=customer");
        using var http = AdminClient(app);

        var badId = await http.PostAsJsonAsync("/reconciliations", new { source = "default", hours = 1, account = "../acct_1Escape" });
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        Assert.Contains("'../acct_1Escape' is not a connected account id", await badId.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var notConnect = await http.PostAsJsonAsync("/reconciliations", new { source = "plain", hours = 1, account = "acct_1AdminPlain" });
        Assert.Equal(HttpStatusCode.BadRequest, notConnect.StatusCode);
        Assert.Contains("source 'plain' is not one", await notConnect.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var unknownSource = await http.GetAsync("/reconciliations/positions?source=nope");
        Assert.Equal(HttpStatusCode.BadRequest, unknownSource.StatusCode);
        Assert.Contains("No source named 'nope'", await unknownSource.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Nothing was started for them.
        Assert.DoesNotContain(stripe.Log.Requests, r => r.Path == "/v1/events");
        await app.StopAsync();
    }

    private async Task<WebApplication> StartWorkerAsync(FakeStripeServer stripe, string checkpoints, params string[] extra)
    {
        var flagsTopic = "flags_" + Guid.NewGuid().ToString("N")[..8];
        kafka.Cluster.CreateTopic(flagsTopic, partitions: 1);
        var app = WorkerApp.Build(
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
                "--StripeCdc:Snapshot:ReconciliationLag=00:01:00",
                $"--StripeCdc:Snapshot:CheckpointFolder={checkpoints}",
                "--StripeCdc:Snapshot:CheckpointStore=File",
                "--StripeCdc:Reconciliation:Interval=00:00:00",
                "--Logging:LogLevel:Default=Warning",
                "--StripeCdc:Admin:Token=admin-test-token",
                $"--StripeCdc:ModuleFlags:Topic={flagsTopic}",
                .. extra,
            ],
            services => services.AddSingleton<IEventLedger>(new InMemoryEventLedger()));
        await app.StartAsync();
        return app;
    }

    private static HttpClient AdminClient(WebApplication app)
    {
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var http = new HttpClient { BaseAddress = address };
        http.DefaultRequestHeaders.Add("X-StripeCdc-Admin-Token", "admin-test-token");
        return http;
    }

    private static async Task<JsonElement> UntilFinishedAsync(HttpClient http, string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var view = await http.GetFromJsonAsync<JsonElement>(path);
            if (view.GetProperty("state").GetString() is "Completed" or "Failed" or "Cancelled")
            {
                return view;
            }

            Assert.True(DateTime.UtcNow < deadline, "the job did not finish: " + view);
            await Task.Delay(50);
        }
    }

    private static async Task<Dictionary<string, DateTimeOffset>> PositionsAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonElement>("/reconciliations/positions"))
            .EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetDateTimeOffset(), StringComparer.Ordinal);
}
