using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Cli;
using StripeCdc.Snapshot.Hosting;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Snapshots;
using StripeCdc.Snapshot.Tests.Support;

namespace StripeCdc.Snapshot.Tests;

/// <summary>SPEC §12, backfill per account: <c>snapshot --accounts</c> on a Connect source.</summary>
public sealed class ConnectBackfillTests
{
    [Collection(KafkaCollection.Name)]
    public sealed class AllAccounts(KafkaFixture kafka)
    {
        [Fact]
        public async Task Accounts_all_snapshots_every_connected_account_with_its_Stripe_Account_into_keys_of_its_own()
        {
            await using var stripe = await FakeStripeServer.StartAsync();
            string[] accounts = ["acct_1BackfillA", "acct_1BackfillB", "acct_1BackfillC"];
            FakeStripeSeeder.Seed(stripe.Data, "customer", 5, tag: "P");
            var expected = new Dictionary<string, IReadOnlyList<string>>();
            for (var i = 0; i < accounts.Length; i++)
            {
                // The same ids in every account; a different count each, so no account passes for another.
                var data = stripe.Accounts.Add(accounts[i], created: FakeStripeSeeder.StartTime - i);
                expected[accounts[i]] = FakeStripeSeeder.Seed(data, "customer", 120 + i);
                FakeStripeSeeder.Seed(data, "charge", 3 + i);
            }

            // Pages of 2 accounts, so listing the accounts follows the cursor.
            using var harness = new SnapshotHarness(stripe, kafka, [("Connect", "true"), ("StripeCdc:StripeApi:PageSize", "2")]);
            var job = new SnapshotJob("snap_accounts", "default", ["customer", "charge"], restart: false, TimeProvider.System, accounts: ["all"]);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));

            await harness.Services.GetRequiredService<SnapshotRunner>().RunAsync(job, timeout.Token);

            Assert.Equal(JobState.Completed, job.State);
            Assert.Equal(accounts.Order(StringComparer.Ordinal), job.Accounts.Select(a => a.Account).Order(StringComparer.Ordinal));
            Assert.True(stripe.Log.Requests.Count(r => r.Path == "/v1/accounts") >= 2, "the accounts were listed in one page");
            Assert.All(stripe.Log.Requests.Where(r => r.Path != "/v1/accounts"), r => Assert.Contains(r.StripeAccount, accounts));
            Assert.All(stripe.Log.Requests.Where(r => r.Path == "/v1/accounts"), r => Assert.Null(r.StripeAccount));
            Assert.All(accounts, a => Assert.Contains(stripe.Log.Requests, r => r.StripeAccount == a && r.Path == "/v1/charges"));

            var customers = kafka.ReadRecords(harness.Topic("customer"));
            var byAccount = customers.GroupBy(r => r.KeyJson.TryGetProperty("account", out var account) ? account.GetString()! : "(platform)").ToDictionary(g => g.Key, g => g.ToList());
            Assert.Equal(accounts.Order(StringComparer.Ordinal), byAccount.Keys.Order(StringComparer.Ordinal));
            foreach (var account in accounts)
            {
                var records = byAccount[account];
                Assert.Equal(expected[account].Order(StringComparer.Ordinal), records.Select(r => r.KeyId).Order(StringComparer.Ordinal));
                Assert.All(records, r =>
                {
                    Assert.Equal(["account", "id"], r.KeyJson.EnumerateObject().Select(p => p.Name));
                    Assert.Equal(account, r.Json.GetProperty("_account").GetString());
                    Assert.Equal("r", r.Header("__op"));
                });
            }

            Assert.Equal(accounts.Sum(a => 3 + Array.IndexOf(accounts, a)), kafka.ReadRecords(harness.Topic("charge")).Count);
        }

        [Fact]
        public async Task Without_accounts_a_Connect_source_snapshots_the_platforms_own_objects_as_before()
        {
            await using var stripe = await FakeStripeServer.StartAsync();
            var platform = FakeStripeSeeder.Seed(stripe.Data, "customer", 4, tag: "P");
            FakeStripeSeeder.Seed(stripe.Accounts.Add("acct_1BackfillOther"), "customer", 7);
            using var harness = new SnapshotHarness(stripe, kafka, [("Connect", "true")]);

            var job = await harness.SnapshotAsync("customer");

            Assert.Equal(JobState.Completed, job.State);
            Assert.All(stripe.Log.Requests, r => Assert.Null(r.StripeAccount));
            var records = kafka.ReadRecords(harness.Topic("customer"));
            Assert.Equal(platform.Order(StringComparer.Ordinal), records.Select(r => r.KeyId).Order(StringComparer.Ordinal));
            Assert.All(records, r => Assert.False(r.KeyJson.TryGetProperty("account", out _)));
        }
    }

    [Fact]
    public async Task A_worker_starting_resumes_an_unfinished_accounts_snapshot_as_an_accounts_job_from_its_cursor()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        const string A = "acct_1ResumeA";
        var ids = FakeStripeSeeder.Seed(stripe.Accounts.Add(A), "customer", 150);
        FakeStripeSeeder.Seed(stripe.Data, "customer", 5, tag: "P");
        var sink = new StripeCdc.Testing.CapturingSink();
        using var harness = new SnapshotHarness(stripe, kafka: null, [("Connect", "true")], sink: sink);
        var store = harness.Services.GetRequiredService<StripeCdc.Checkpoints.ICheckpointStore>();
        await store.SaveAsync($"default/{A}", new StripeCdc.Checkpoints.ResourceCheckpoint("snap_before", "customer", ids[99], 100, false, DateTimeOffset.UtcNow, StartedAt: DateTimeOffset.UtcNow), CancellationToken.None);
        var jobs = harness.Services.GetRequiredService<JobRegistry>();

        jobs.ResumeUnfinished();

        var job = Assert.Single(jobs.Snapshots);
        await jobs.CompletionOf(job.Id).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(JobState.Completed, job.State);
        Assert.Equal([A], job.AccountsRequested);
        Assert.Equal(50, job.Objects);
        var requests = stripe.Log.Requests.Where(r => r.Path == "/v1/customers").ToList();
        Assert.NotEmpty(requests);
        Assert.All(requests, r => Assert.Equal(A, r.StripeAccount));
        Assert.Contains("starting_after=" + ids[99], requests[0].Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accounts_on_a_source_that_is_not_Connect_exits_2_with_the_reason_and_reads_nothing()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        stripe.Accounts.Add("acct_1BackfillA");
        var folder = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"));

        var (exit, _, error) = await CommandLineTests.RunAsync(
            ["snapshot", "--accounts", "all", "--resources", "customer",
             "--StripeCdc:Sources:default:StripeApiKey=sk_test_cli51Hn2kLwYp", $"--StripeCdc:Sources:default:StripeApiBase={stripe.ApiBase}",
             "--StripeCdc:Sink=JsonLines", $"--StripeCdc:Sinks:JsonLines:Folder={folder}",
             "--StripeCdc:Snapshot:CheckpointStore=File", $"--StripeCdc:Snapshot:CheckpointFolder={folder}"]);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--accounts needs a Connect source: source 'default' is not one", error, StringComparison.Ordinal);
        Assert.Equal(0, stripe.Log.Count);
    }

    [Fact]
    public async Task The_admin_API_refuses_accounts_on_a_source_that_is_not_Connect_and_accepts_them_on_one()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        using var plain = new SnapshotHarness(stripe, kafka: null, sink: new StripeCdc.Testing.CapturingSink());
        using var connect = new SnapshotHarness(stripe, kafka: null, [("Connect", "true")], sink: new StripeCdc.Testing.CapturingSink());

        var (refused, error) = plain.Services.GetRequiredService<JobRegistry>().StartSnapshot("default", ["customer"], restart: false, accounts: ["all"]);
        var (notAnAccount, badId) = connect.Services.GetRequiredService<JobRegistry>().StartSnapshot("default", ["customer"], restart: false, accounts: ["cus_1"]);

        Assert.Null(refused);
        Assert.StartsWith("--accounts needs a Connect source", error, StringComparison.Ordinal);
        Assert.Null(notAnAccount);
        Assert.Contains("'cus_1' is not a connected account id", badId, StringComparison.Ordinal);
    }
}
