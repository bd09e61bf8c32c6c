using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Checkpoints;
using StripeCdc.FakeStripe;
using StripeCdc.Sinks.Kafka;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Snapshots;
using StripeCdc.Snapshot.Tests.Support;

namespace StripeCdc.Snapshot.Tests;

/// <summary>Issue 12 item 4: checkpoints any worker can resume, and never two workers on one resource of a source.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaCheckpointTests(KafkaFixture kafka)
{
    private const int ObjectsPerResource = 1500;
    private const int PageSize = 100;

    [Fact]
    public async Task A_worker_killed_mid_snapshot_is_resumed_by_another_on_another_working_directory_with_at_most_one_page_repeated()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        string[] resources = ["customer", "charge", "payment_method"];
        var expected = new Dictionary<string, IReadOnlyList<string>>
        {
            ["customer"] = FakeStripeSeeder.Seed(stripe.Data, "customer", ObjectsPerResource),
            ["charge"] = FakeStripeSeeder.Seed(stripe.Data, "charge", ObjectsPerResource),
            ["payment_method"] = FakeStripeSeeder.Seed(stripe.Data, "payment_method", ObjectsPerResource),
        };
        stripe.Faults.PageDelay = TimeSpan.FromMilliseconds(200);
        var id = Guid.NewGuid().ToString("N")[..8];
        var prefix = $"kkill{id}.";
        var checkpointTopic = $"checkpoints_{id}";
        kafka.Cluster.CreateTopic(checkpointTopic, partitions: 1);
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__kafka"] = kafka.BootstrapServers,
            ["StripeCdc__Sources__default__StripeApiKey"] = "sk_test_killtest",
            ["StripeCdc__Sources__default__StripeApiBase"] = stripe.ApiBase,
            ["StripeCdc__Sources__default__TopicPrefix"] = prefix,
            ["StripeCdc__Sources__default__Resources"] = string.Join(",", resources),
            ["StripeCdc__Snapshot__RequestsPerSecond"] = "10000",
            ["StripeCdc__Snapshot__CheckpointTopic"] = checkpointTopic,
            ["StripeCdc__Snapshot__CheckpointLease"] = "00:00:03",
        };
        string[] args = ["snapshot", "--resources", string.Join(",", resources)];

        using (var first = WorkerProcess.Start(args, WithWorkingDirectory(environment)))
        using (var checkpointsWritten = new CheckpointWatch(kafka.BootstrapServers, checkpointTopic))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!(stripe.Log.Requests.Count(r => r.Path == "/v1/charges") >= 5 && checkpointsWritten.Poll().IsSupersetOf(["checkpoint/default/charge", "checkpoint/default/payment_method"])))
            {
                Assert.False(first.HasExited, "the worker ended before it could be killed: " + first.Output);
                Assert.True(DateTime.UtcNow < deadline, "the worker made no progress: " + first.Output);
            }

            first.Kill();
        }

        var chargePagesBeforeKill = stripe.Log.Requests.Count(r => r.Path == "/v1/charges");
        Assert.True(chargePagesBeforeKill < ObjectsPerResource / PageSize, "the kill came mid-run");
        stripe.Log.Clear();
        stripe.Faults.PageDelay = TimeSpan.Zero;

        // Another machine, as far as files go: another working directory and checkpoint folder.
        using (var second = WorkerProcess.Start(args, WithWorkingDirectory(environment)))
        {
            Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(90)));
            Assert.Contains("resumed after", second.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(stripe.Log.Requests, r => r.Path == "/v1/charges" && !r.Query.Contains("starting_after", StringComparison.Ordinal));
        foreach (var resource in resources)
        {
            var ids = kafka.ReadRecords(prefix + resource).Select(r => r.KeyId).ToList();
            Assert.Equal(expected[resource].Order(StringComparer.Ordinal), ids.Distinct().Order(StringComparer.Ordinal));
            Assert.InRange(ids.Count - ObjectsPerResource, 0, PageSize);
        }
    }

    [Fact]
    public async Task Two_workers_never_hold_the_same_resource_of_a_source_and_a_released_one_is_taken_at_once()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var topic = "checkpoints_" + Guid.NewGuid().ToString("N")[..8];
        kafka.Cluster.CreateTopic(topic, partitions: 1);
        (string, string?)[] settings =
        [
            ("StripeCdc:Snapshot:CheckpointStore", "Kafka"),
            ("StripeCdc:Snapshot:CheckpointTopic", topic),
            ("StripeCdc:Snapshot:CheckpointLease", "00:00:03"),
        ];
        using var one = new SnapshotHarness(stripe, kafka, settings);
        using var other = new SnapshotHarness(stripe, kafka, settings);
        var first = one.Services.GetRequiredService<ICheckpointStore>();
        var second = other.Services.GetRequiredService<ICheckpointStore>();
        Assert.IsType<KafkaCheckpointStore>(first);

        var held = await first.AcquireAsync("default", "customer", CancellationToken.None);

        // Held and renewed well past its time to live: the other worker gives up.
        await Assert.ThrowsAsync<SnapshotLeaseException>(async () => await second.AcquireAsync("default", "customer", CancellationToken.None));
        Assert.False(held.Lost.IsCancellationRequested);

        // Another resource of the same source is free.
        await using (await second.AcquireAsync("default", "charge", CancellationToken.None))
        {
        }

        await held.DisposeAsync();
        await using var taken = await second.AcquireAsync("default", "customer", CancellationToken.None);
        await Assert.ThrowsAsync<SnapshotLeaseException>(async () => await first.AcquireAsync("default", "customer", CancellationToken.None));
    }

    [Fact]
    public async Task A_connected_accounts_resource_left_by_a_dead_worker_is_taken_over_after_its_lease_from_its_cursor()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        const string A = "acct_1LeaseA";
        const string B = "acct_1LeaseB";
        var idsA = FakeStripeSeeder.Seed(stripe.Accounts.Add(A), "customer", 250);
        var idsB = FakeStripeSeeder.Seed(stripe.Accounts.Add(B), "customer", 30);
        var topic = "checkpoints_" + Guid.NewGuid().ToString("N")[..8];
        kafka.Cluster.CreateTopic(topic, partitions: 1);
        (string, string?)[] settings =
        [
            ("Connect", "true"),
            ("StripeCdc:Snapshot:CheckpointStore", "Kafka"),
            ("StripeCdc:Snapshot:CheckpointTopic", topic),
            ("StripeCdc:Snapshot:CheckpointLease", "00:00:03"),
        ];
        using var dead = new SnapshotHarness(stripe, kafka, settings);
        using var alive = new SnapshotHarness(stripe, kafka, settings, topicPrefix: dead.TopicPrefix);
        var deadStore = dead.Services.GetRequiredService<ICheckpointStore>();

        // The dead worker had read A's first page, checkpointed it, and holds A's customer lease when it stops renewing.
        using var dying = new CancellationTokenSource();
        _ = await deadStore.AcquireAsync($"default/{A}", "customer", dying.Token);
        await deadStore.SaveAsync($"default/{A}", new ResourceCheckpoint("snap_dead", "customer", idsA[99], 100, false, DateTimeOffset.UtcNow, StartedAt: DateTimeOffset.UtcNow), CancellationToken.None);
        await dying.CancelAsync();
        var job = new SnapshotJob("snap_alive", "default", ["customer"], restart: false, TimeProvider.System, accounts: [A, B]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await alive.Services.GetRequiredService<SnapshotRunner>().RunAsync(job, timeout.Token);

        Assert.Equal(JobState.Completed, job.State);
        var requestsA = stripe.Log.Requests.Where(r => r.StripeAccount == A).ToList();
        Assert.NotEmpty(requestsA);
        Assert.Contains("starting_after=" + idsA[99], requestsA[0].Query, StringComparison.Ordinal);
        Assert.All(requestsA, r => Assert.Contains("starting_after=", r.Query, StringComparison.Ordinal));
        var records = kafka.ReadRecords(alive.Topic("customer"));
        Assert.Equal(idsA.Skip(100).Order(StringComparer.Ordinal), records.Where(r => r.KeyJson.GetProperty("account").GetString() == A).Select(r => r.KeyId).Order(StringComparer.Ordinal));
        Assert.Equal(idsB.Order(StringComparer.Ordinal), records.Where(r => r.KeyJson.GetProperty("account").GetString() == B).Select(r => r.KeyId).Order(StringComparer.Ordinal));
        var stored = alive.Services.GetRequiredService<ICheckpointStore>().LoadAll().ToList();
        Assert.Contains(stored, c => c.Source == $"default/{A}" && c.Checkpoint is { Resource: "customer", Completed: true, Objects: 250 });
        Assert.Contains(stored, c => c.Source == $"default/{B}" && c.Checkpoint is { Resource: "customer", Completed: true, Objects: 30 });
        Assert.DoesNotContain(stored, c => c.Source == "default");
    }

    private static Dictionary<string, string> WithWorkingDirectory(Dictionary<string, string> environment) =>
        new(environment)
        {
            ["StripeCdc__Snapshot__CheckpointFolder"] = Directory.CreateTempSubdirectory("stripecdc-worker").FullName,
        };

    /// <summary>The keys written to the checkpoint topic so far, read as they arrive (cheap enough to poll).</summary>
    private sealed class CheckpointWatch : IDisposable
    {
        private readonly Confluent.Kafka.IConsumer<byte[], byte[]> _consumer;
        private readonly HashSet<string> _keys = new(StringComparer.Ordinal);

        public CheckpointWatch(string bootstrapServers, string topic)
        {
            _consumer = new Confluent.Kafka.ConsumerBuilder<byte[], byte[]>(new Confluent.Kafka.ConsumerConfig
            {
                BootstrapServers = bootstrapServers,
                GroupId = "watch-" + Guid.NewGuid().ToString("N"),
                EnableAutoCommit = false,
            }).SetLogHandler((_, _) => { }).Build();
            _consumer.Assign(new Confluent.Kafka.TopicPartitionOffset(topic, 0, Confluent.Kafka.Offset.Beginning));
        }

        public HashSet<string> Poll()
        {
            while (_consumer.Consume(TimeSpan.FromMilliseconds(20)) is { } result)
            {
                _keys.Add(System.Text.Encoding.UTF8.GetString(result.Message.Key));
            }

            return _keys;
        }

        public void Dispose()
        {
            _consumer.Close();
            _consumer.Dispose();
        }
    }
}
