using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StripeCdc.Configuration;
using StripeCdc.Records;
using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Hosting;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Reconciliation;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

/// <summary>SPEC §12, reconciliation per account: each connected account's /v1/events, its own keys, its own position, spread over the interval.</summary>
public sealed class ConnectReconciliationTests
{
    private const string A = "acct_1ReconConnectA";
    private const string B = "acct_1ReconConnectB";

    [Fact]
    public async Task A_connected_accounts_missed_event_is_read_as_that_account_and_lands_under_its_own_key()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        stripe.Accounts.Add(A);
        stripe.Accounts.Add(B);
        stripe.Accounts.AddEvent(A, "customer.updated", StripeObjects.Customer("cus_same", "a@example.com"), "evt_recon_a1", now - 600);
        stripe.Accounts.AddEvent(B, "customer.updated", StripeObjects.Customer("cus_same", "b@example.com"), "evt_recon_b1", now - 600);
        var sink = new CapturingSink();
        using var harness = Harness(stripe, sink);

        var job = await ReconcileAsync(harness, A, DateTimeOffset.FromUnixTimeSeconds(now - 3600));

        Assert.Equal(JobState.Completed, job.State);
        Assert.Equal((1, 1), (job.Listed, job.Delivered));
        var record = Assert.Single(sink.Records, r => r.Role == RecordRole.Parent);
        Assert.Equal(A, record.KeyJson.GetProperty("account").GetString());
        Assert.Equal("cus_same", record.KeyJson.GetProperty("id").GetString());
        Assert.Equal("a@example.com", record.Json.GetProperty("email").GetString());
        var listed = Assert.Single(stripe.Log.Requests, r => r.Path == "/v1/events");
        Assert.Equal(A, listed.StripeAccount);
    }

    [Fact]
    public async Task Each_account_remembers_where_its_last_run_ended_and_the_next_run_lists_from_there()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        stripe.Accounts.Add(A);
        stripe.Accounts.Add(B);
        stripe.Accounts.AddEvent(A, "customer.updated", StripeObjects.Customer("cus_pos", "a@example.com"), "evt_pos_a1", now - 600);
        using var harness = Harness(stripe, new CapturingSink());
        var positions = harness.Services.GetRequiredService<AccountReconciliationPositions>();
        var from = DateTimeOffset.FromUnixTimeSeconds(now - 3600);

        var first = await ReconcileAsync(harness, A, from);
        Assert.Equal(first.To, await positions.GetAsync("default", A, CancellationToken.None));
        Assert.Null(await positions.GetAsync("default", B, CancellationToken.None));
        var second = await ReconcileAsync(harness, A, from);
        var ofB = await ReconcileAsync(harness, B, from);

        Assert.Equal(first.To, second.From);
        Assert.Equal(second.To, await positions.GetAsync("default", A, CancellationToken.None));
        Assert.Equal((1, 0L), (first.Delivered, second.Listed));
        var listings = stripe.Log.Requests.Where(r => r.Path == "/v1/events" && r.StripeAccount == A).ToList();
        Assert.Equal(2, listings.Count);
        Assert.Contains($"created[gte]={first.To!.Value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}", Uri.UnescapeDataString(listings[1].Query), StringComparison.Ordinal);

        // B has a position of its own; A's did not move it.
        Assert.Equal(from, ofB.From);
        Assert.Equal(ofB.To, await positions.GetAsync("default", B, CancellationToken.None));
    }

    [Fact]
    public void N_accounts_start_evenly_one_every_interval_over_N()
    {
        Assert.Equal(
            [TimeSpan.Zero, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(45)],
            ReconciliationScheduler.Spread(4, TimeSpan.FromHours(1)));
        Assert.Empty(ReconciliationScheduler.Spread(0, TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task The_schedule_starts_one_connected_account_every_interval_over_N_a_trickle_not_a_burst()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        string[] accounts = ["acct_1Spread0", "acct_1Spread1", "acct_1Spread2", "acct_1Spread3"];
        foreach (var account in accounts)
        {
            stripe.Accounts.Add(account);
        }

        using var harness = Harness(stripe, new CapturingSink());
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var jobs = harness.Services.GetRequiredService<JobRegistry>();
        var window = TimeSpan.FromHours(3);
        using var scheduler = new ReconciliationScheduler(
            jobs,
            harness.Services.GetRequiredService<SourceCatalog>(),
            Options.Create(new ReconciliationOptions { Interval = TimeSpan.FromHours(1), Window = window }),
            clock,
            NullLogger<ReconciliationScheduler>.Instance,
            harness.Services.GetRequiredService<Reconciler>());
        await scheduler.StartAsync(CancellationToken.None);

        clock.Advance(TimeSpan.FromHours(1));
        var tick = clock.GetUtcNow();
        await UntilAsync(() => AccountRuns(jobs).Count == 1);
        for (var k = 1; k < accounts.Length; k++)
        {
            // Nothing more starts before its turn.
            clock.Advance(TimeSpan.FromMinutes(14));
            await Task.Delay(100);
            Assert.Equal(k, AccountRuns(jobs).Count);
            clock.Advance(TimeSpan.FromMinutes(1));
            await UntilAsync(() => AccountRuns(jobs).Count == k + 1);
        }

        await scheduler.StopAsync(CancellationToken.None);
        var runs = AccountRuns(jobs);
        Assert.Equal(accounts.Order(StringComparer.Ordinal), runs.Select(r => r.Account).Order(StringComparer.Ordinal));

        // A run's window begins Window before it started: the starts are the tick, +15 min, +30 min, +45 min.
        Assert.Equal(
            [TimeSpan.Zero, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(45)],
            runs.Select(r => r.From + window - tick).Order());
        Assert.Single(jobs.Reconciliations, r => r.Account is null);
    }

    private static List<ReconciliationJob> AccountRuns(JobRegistry jobs) => [.. jobs.Reconciliations.Where(r => r.Account is not null)];

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the schedule");
            await Task.Delay(20);
        }
    }

    private static SnapshotHarness Harness(FakeStripeServer stripe, CapturingSink sink) =>
        new(stripe, kafka: null, settings: [("Connect", "true"), ("TopicPrefix", "")], ledger: new InMemoryEventLedger(), sink: sink);

    private static async Task<ReconciliationJob> ReconcileAsync(SnapshotHarness harness, string account, DateTimeOffset from)
    {
        var job = new ReconciliationJob("recon_" + account, "default", from, to: null, onlyFailedDeliveries: false, account);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await harness.Services.GetRequiredService<Reconciler>().RunAsync(job, timeout.Token);
        return job;
    }
}
