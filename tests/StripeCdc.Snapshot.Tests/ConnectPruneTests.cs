using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Admin;
using StripeCdc.Snapshot.Hosting;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Snapshots;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

/// <summary>
/// SPEC §6 missed deletes with SPEC §12 backfill per account: <c>snapshot --accounts … --prune</c> prunes each
/// connected account's objects against its own listing, and only those.
/// </summary>
public sealed class ConnectPruneTests
{
    private const string A = "acct_1PruneA";
    private const string B = "acct_1PruneB";

    [Collection(KafkaCollection.Name)]
    public sealed class Kafka(KafkaFixture kafka)
    {
        [Fact]
        public async Task An_account_s_silently_deleted_object_becomes_a_delete_keyed_by_that_account_and_nothing_else_is_pruned()
        {
            await using var stripe = await FakeStripeServer.StartAsync();
            var world = ConnectPruneWorld.Seed(stripe);
            using var harness = new SnapshotHarness(stripe, kafka, [("Connect", "true"), ("StripeCdc:Kafka:Tombstones", "true")]);
            await world.SnapshotEverythingAsync(harness);
            world.DeleteSilently(stripe);
            stripe.Log.Clear();

            var job = await ConnectPruneWorld.SnapshotAccountsAsync(harness, prune: true);

            Assert.Equal(JobState.Completed, job.State);
            Assert.Equal(1, job.Pruned);
            var deletes = kafka.ReadRecords(harness.Topic("customer")).Where(r => r.Value is not null && r.Header("__op") == "d").ToList();
            var delete = Assert.Single(deletes);
            Assert.Equal(["account", "id"], delete.KeyJson.EnumerateObject().Select(p => p.Name));
            Assert.Equal(A, delete.KeyJson.GetProperty("account").GetString());
            Assert.Equal(world.DeletedInA, delete.KeyId);
            Assert.Equal(A, delete.Json.GetProperty("_account").GetString());
            Assert.Equal("customer.pruned", delete.Json.GetProperty("_event_type").GetString());
            Assert.Equal("DELETE", delete.Json.GetProperty("__changeType").GetString());
            world.AssertConfirmedOnlyWithItsAccount(stripe);

            // The platform's own listing prunes its own object, and not the accounts' objects of the same id.
            stripe.Log.Clear();
            var platform = await harness.SnapshotAsync(prune: true, "customer");

            Assert.Equal(1, platform.Pruned);
            var platformDelete = Assert.Single(
                kafka.ReadRecords(harness.Topic("customer")),
                r => r.Value is not null && r.Header("__op") == "d" && !r.KeyJson.TryGetProperty("account", out _));
            Assert.Equal(world.DeletedInPlatform, platformDelete.KeyId);
            Assert.False(platformDelete.Json.TryGetProperty("_account", out _));
            Assert.All(stripe.Log.Requests, r => Assert.Null(r.StripeAccount));
        }
    }

    [Collection(KafkaCollection.Name)]
    public sealed class Admin(KafkaFixture kafka)
    {
        [Fact]
        public async Task The_worker_accepts_prune_with_accounts_and_reports_the_accounts_prunes_per_resource()
        {
            await using var stripe = await FakeStripeServer.StartAsync();
            var world = ConnectPruneWorld.Seed(stripe);
            using var harness = new SnapshotHarness(stripe, kafka, [("Connect", "true")]);
            await world.SnapshotEverythingAsync(harness);
            world.DeleteSilently(stripe);
            await PruneSupport.NextSecondAsync();
            var jobs = harness.Services.GetRequiredService<JobRegistry>();

            var (job, error) = jobs.StartSnapshot("default", ["customer"], restart: false, prune: true, accounts: [A, B]);

            Assert.Null(error);
            Assert.NotNull(job);
            await jobs.CompletionOf(job.Id).WaitAsync(TimeSpan.FromSeconds(90));
            var view = SnapshotView.From(job);
            Assert.Equal("Completed", view.State);
            Assert.True(view.Prune);
            Assert.Equal(1, view.Pruned);
            Assert.Equal(1, view.Resources["customer"].Pruned);
        }
    }

    [Collection(PostgresCollection.Name)]
    public sealed class Postgres(PostgresFixture postgres)
    {
        [Fact]
        public async Task An_account_s_silently_deleted_object_gets_a_deleted_row_of_that_account_and_no_other_row_changes()
        {
            await using var stripe = await FakeStripeServer.StartAsync();
            var world = ConnectPruneWorld.Seed(stripe);
            var database = await postgres.Server.CreateDatabaseAsync();
            using var harness = new SnapshotHarness(
                stripe,
                kafka: null,
                [("Connect", "true"), ("StripeCdc:Sink", "Postgres"), ("ConnectionStrings:postgres", database), ("TopicPrefix", "")]);
            await world.SnapshotEverythingAsync(harness);
            world.DeleteSilently(stripe);
            stripe.Log.Clear();

            var job = await ConnectPruneWorld.SnapshotAccountsAsync(harness, prune: true);

            Assert.Equal(JobState.Completed, job.State);
            Assert.Equal(1, job.Pruned);
            var deleted = await DeletedRowsAsync(database);
            Assert.Equal([(A, world.DeletedInA, "customer.pruned")], deleted);
            world.AssertConfirmedOnlyWithItsAccount(stripe);

            var platform = await harness.SnapshotAsync(prune: true, "customer");

            Assert.Equal(1, platform.Pruned);
            Assert.Equal(
                [("", world.DeletedInPlatform, "customer.pruned"), (A, world.DeletedInA, "customer.pruned")],
                await DeletedRowsAsync(database));
        }

        private static async Task<List<(string Account, string Id, string EventType)>> DeletedRowsAsync(string database)
        {
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select account, id, event_type from stripe.customer where deleted order by account, id", connection);
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<(string, string, string)>();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }

            return rows;
        }
    }

    /// <summary>
    /// The platform and accounts A and B, each holding customers of the same ids. One customer is deleted silently in A
    /// only, another in the platform only: each exists elsewhere under the same id.
    /// </summary>
    private sealed record ConnectPruneWorld(string DeletedInA, string DeletedInPlatform)
    {
        public static ConnectPruneWorld Seed(FakeStripeServer stripe)
        {
            var platform = FakeStripeSeeder.Seed(stripe.Data, "customer", 12);
            var a = FakeStripeSeeder.Seed(stripe.Accounts.Add(A), "customer", 12);
            var b = FakeStripeSeeder.Seed(stripe.Accounts.Add(B), "customer", 12);
            Assert.Equal(platform, a);
            Assert.Equal(platform, b);
            return new ConnectPruneWorld(a[3], platform[7]);
        }

        public async Task SnapshotEverythingAsync(SnapshotHarness harness)
        {
            Assert.Equal(JobState.Completed, (await harness.SnapshotAsync("customer")).State);
            Assert.Equal(JobState.Completed, (await SnapshotAccountsAsync(harness, prune: false)).State);
        }

        public void DeleteSilently(FakeStripeServer stripe)
        {
            stripe.Accounts.Find(A)!.DeleteSilently("/v1/customers", DeletedInA);
            stripe.Data.DeleteSilently("/v1/customers", DeletedInPlatform);
        }

        /// <summary>A's missing customer was asked for once, with A's <c>Stripe-Account</c>, and found gone; nothing else was asked for by id.</summary>
        public void AssertConfirmedOnlyWithItsAccount(FakeStripeServer stripe)
        {
            var gets = stripe.Log.Requests.Where(r => r.Path.StartsWith("/v1/customers/", StringComparison.Ordinal)).ToList();
            var get = Assert.Single(gets);
            Assert.Equal("/v1/customers/" + DeletedInA, get.Path);
            Assert.Equal(A, get.StripeAccount);
            Assert.Equal(404, get.Status);
        }

        public static async Task<SnapshotJob> SnapshotAccountsAsync(SnapshotHarness harness, bool prune)
        {
            // The listings of a prune must begin in a later second than the reads they compare with.
            await PruneSupport.NextSecondAsync();
            var job = new SnapshotJob("snap_prune" + Guid.NewGuid().ToString("N")[..8], "default", ["customer"], restart: false, TimeProvider.System, prune, accounts: [A, B]);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await harness.Services.GetRequiredService<SnapshotRunner>().RunAsync(job, timeout.Token);
            return job;
        }
    }
}
