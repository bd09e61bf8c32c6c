using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Checkpoints;
using StripeCdc.FakeStripe;
using StripeCdc.Sinks.Kafka;
using StripeCdc.Snapshot.Checkpoints;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Reconciliation;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

/// <summary>SPEC §12, reconciliation per account: each account's position outlives the worker, on the File and the Kafka checkpoint store.</summary>
[Collection(KafkaCollection.Name)]
public sealed class ConnectReconciliationPositionTests(KafkaFixture kafka)
{
    private const string A = "acct_1PositionA";
    private const string B = "acct_1PositionB";

    [Fact]
    public async Task A_restarted_worker_on_the_file_store_lists_an_accounts_events_from_where_its_last_run_ended()
    {
        await using var stripe = await StripeWithTwoAccountsAsync();
        var from = DateTimeOffset.UtcNow.AddHours(-1);
        using var before = Harness(stripe, kafka: null);
        var first = await ReconcileAsync(before, A, from);
        Assert.Equal(JobState.Completed, first.State);
        Assert.Equal(1, first.Delivered);

        // Another process on the same disk: its own services, the checkpoint folder the first one wrote.
        stripe.Log.Clear();
        using var after = Harness(stripe, kafka: null, checkpointFolder: before.CheckpointFolder);
        Assert.IsType<FileReconciliationPositionStore>(after.Services.GetRequiredService<IReconciliationPositionStore>());
        var second = await ReconcileAsync(after, A, from);
        var ofB = await ReconcileAsync(after, B, from);

        AssertListedFromTheStoredPosition(stripe, first, second);
        Assert.Equal(from, ofB.From);

        // The positions sit beside the checkpoints without being taken for one.
        Assert.Empty(after.Services.GetRequiredService<ICheckpointStore>().LoadAll());
    }

    [Fact]
    public async Task A_restarted_worker_on_the_kafka_store_lists_an_accounts_events_from_where_its_last_run_ended()
    {
        await using var stripe = await StripeWithTwoAccountsAsync();
        var topic = "checkpoints_" + Guid.NewGuid().ToString("N")[..8];
        kafka.Cluster.CreateTopic(topic, partitions: 1);
        var from = DateTimeOffset.UtcNow.AddHours(-1);
        ReconciliationJob first;
        using (var before = Harness(stripe, kafka, topic))
        {
            first = await ReconcileAsync(before, A, from);
            Assert.Equal(JobState.Completed, first.State);
            Assert.Equal(1, first.Delivered);
        }

        // Another machine: another checkpoint folder, the same checkpoint topic.
        stripe.Log.Clear();
        using var after = Harness(stripe, kafka, topic);
        Assert.IsType<KafkaCheckpointStore>(after.Services.GetRequiredService<IReconciliationPositionStore>());
        var second = await ReconcileAsync(after, A, from);
        var ofB = await ReconcileAsync(after, B, from);

        AssertListedFromTheStoredPosition(stripe, first, second);
        Assert.Equal(from, ofB.From);
    }

    [Fact]
    public async Task A_stored_position_never_moves_back_when_an_older_run_finishes_late()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        using var harness = Harness(stripe, kafka: null);
        var later = DateTimeOffset.UtcNow.AddMinutes(-2);
        using (var positions = new AccountReconciliationPositions(harness.Services.GetRequiredService<IReconciliationPositionStore>()))
        {
            await positions.AdvanceAsync("default", A, later, CancellationToken.None);
            await positions.AdvanceAsync("default", A, later.AddMinutes(-30), CancellationToken.None);
        }

        using var reloaded = new AccountReconciliationPositions(harness.Services.GetRequiredService<IReconciliationPositionStore>());
        Assert.Equal(later, await reloaded.GetAsync("default", A, CancellationToken.None));
        Assert.Equal(new Dictionary<string, DateTimeOffset> { [A] = later }, await reloaded.OfAsync("default", CancellationToken.None));
    }

    private static void AssertListedFromTheStoredPosition(FakeStripeServer stripe, ReconciliationJob first, ReconciliationJob second)
    {
        Assert.Equal(JobState.Completed, second.State);
        Assert.Equal(first.To, second.From);
        Assert.Equal(0, second.Listed);
        var listing = Assert.Single(stripe.Log.Requests, r => r.Path == "/v1/events" && r.StripeAccount == A);
        var position = first.To!.Value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        Assert.Contains($"created[gte]={position}", Uri.UnescapeDataString(listing.Query), StringComparison.Ordinal);
    }

    private static async Task<FakeStripeServer> StripeWithTwoAccountsAsync()
    {
        var stripe = await FakeStripeServer.StartAsync();
        stripe.Accounts.Add(A);
        stripe.Accounts.Add(B);
        var tenMinutesAgo = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600;
        stripe.Accounts.AddEvent(A, "customer.updated", StripeObjects.Customer("cus_position", "a@example.com"), "evt_position_a1", tenMinutesAgo);
        return stripe;
    }

    private static SnapshotHarness Harness(FakeStripeServer stripe, KafkaFixture? kafka, string? checkpointTopic = null, string? checkpointFolder = null)
    {
        List<(string, string?)> settings = [("Connect", "true"), ("TopicPrefix", "")];
        if (checkpointTopic is not null)
        {
            settings.Add(("StripeCdc:Snapshot:CheckpointStore", "Kafka"));
            settings.Add(("StripeCdc:Snapshot:CheckpointTopic", checkpointTopic));
        }

        return new(stripe, kafka, settings, ledger: new InMemoryEventLedger(), sink: new CapturingSink(), checkpointFolder: checkpointFolder);
    }

    private static async Task<ReconciliationJob> ReconcileAsync(SnapshotHarness harness, string account, DateTimeOffset from)
    {
        var job = new ReconciliationJob("recon_" + account, "default", from, to: null, onlyFailedDeliveries: false, account);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await harness.Services.GetRequiredService<Reconciler>().RunAsync(job, timeout.Token);
        return job;
    }
}
