using System.Text;
using System.Text.Json;
using Npgsql;
using StripeCdc.FakeStripe;
using StripeCdc.Pipeline;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Snapshots;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

/// <summary>SPEC §6, missed deletes: <c>snapshot --prune</c> against the Kafka sink (a real cluster, the real Stripe.net client).</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaPruneTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Objects_deleted_without_an_event_become_delete_records_and_tombstones_after_snapshot_prune()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var customers = FakeStripeSeeder.Seed(stripe.Data, "customer", 150);
        var subscriptions = FakeStripeSeeder.Seed(stripe.Data, "subscription", 30);
        using var harness = new SnapshotHarness(stripe, kafka, settings: [("StripeCdc:Kafka:Tombstones", "true")]);
        Assert.Equal(JobState.Completed, (await harness.SnapshotAsync("customer", "subscription")).State);

        string[] deleted = [customers[3], customers[120], subscriptions[7]];
        string[] hidden = [customers[50], subscriptions[9]];
        stripe.Data.DeleteSilently("/v1/customers", customers[3]);
        stripe.Data.DeleteSilently("/v1/customers", customers[120]);
        stripe.Data.DeleteSilently("/v1/subscriptions", subscriptions[7]);
        stripe.Data.HideFromList("/v1/customers", customers[50]);
        stripe.Data.HideFromList("/v1/subscriptions", subscriptions[9]);
        await PruneSupport.NextSecondAsync();
        stripe.Log.Clear();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var job = await harness.SnapshotAsync(prune: true, "customer", "subscription");

        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.Equal(JobState.Completed, job.State);
        Assert.Equal(3, job.Pruned);
        // Under Routing=EventType customers and subscriptions share the topic `customer`.
        var records = kafka.ReadRecords(harness.Topic("customer"));
        var deletes = records.Where(r => r.Value is not null && r.Header("__op") == "d").ToList();
        Assert.Equal(deleted.Order(StringComparer.Ordinal), deletes.Select(r => r.KeyId).Order(StringComparer.Ordinal));
        Assert.All(deletes, record =>
        {
            var value = record.Json;
            var isSubscription = value.GetProperty("object").GetString() == "subscription";
            Assert.True(value.GetProperty("__deleted").GetBoolean());
            Assert.Equal("DELETE", value.GetProperty("__changeType").GetString());
            Assert.Equal(isSubscription ? "customer.subscription.pruned" : "customer.pruned", value.GetProperty("_event_type").GetString());
            Assert.InRange(value.GetProperty("_event_created").GetInt64(), before, after);
            Assert.Equal(value.GetProperty("_event_created").GetInt64(), record.Timestamp.ToUnixTimeSeconds());
            Assert.StartsWith($"prune:{job.Id}:", value.GetProperty("_event_id").GetString(), StringComparison.Ordinal);
            // The value is the last object held, each appended field once.
            Assert.Equal(record.KeyId, value.GetProperty("id").GetString());
            Assert.Equal(1, PruneSupport.Count(record.Value, "_event_id"));
            if (!isSubscription)
            {
                Assert.EndsWith("@example.com", value.GetProperty("email").GetString(), StringComparison.Ordinal);
            }
        });

        // Each delete is followed by a tombstone, as live deletes are with Tombstones=true.
        foreach (var id in deleted)
        {
            var last = records.FindLast(r => PruneSupport.KeyId(r) == id)!;
            Assert.Null(last.Value);
        }

        // Hidden from the list but still retrievable: asked for, and left alone.
        Assert.DoesNotContain(records, r => hidden.Contains(PruneSupport.KeyId(r)) && r.Header("__op") == "d");
        Assert.Equal(
            deleted.Concat(hidden).Order(StringComparer.Ordinal),
            stripe.Log.Requests.Where(r => r.Path.Count(c => c == '/') == 3).Select(r => r.Path[(r.Path.LastIndexOf('/') + 1)..]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Without_prune_nothing_is_pruned_and_no_object_is_asked_for()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var customers = FakeStripeSeeder.Seed(stripe.Data, "customer", 20);
        using var harness = new SnapshotHarness(stripe, kafka);
        await harness.SnapshotAsync("customer");
        stripe.Data.DeleteSilently("/v1/customers", customers[2]);
        await PruneSupport.NextSecondAsync();
        stripe.Log.Clear();

        var job = await harness.SnapshotAsync("customer");

        Assert.Equal(JobState.Completed, job.State);
        Assert.Equal(0, job.Pruned);
        Assert.DoesNotContain(kafka.ReadRecords(harness.Topic("customer")), r => r.Header("__op") == "d");
        Assert.All(stripe.Log.Requests, r => Assert.Equal("/v1/customers", r.Path));
    }

    [Fact]
    public async Task An_interrupted_listing_prunes_nothing_until_it_is_resumed_to_its_end()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var customers = FakeStripeSeeder.Seed(stripe.Data, "customer", 250);
        using var harness = new SnapshotHarness(stripe, kafka);
        await harness.SnapshotAsync("customer");
        stripe.Data.DeleteSilently("/v1/customers", customers[0]);
        await PruneSupport.NextSecondAsync();
        stripe.Log.Clear();
        // The second page fails for good (a 400 is not retried): the listing never completes.
        stripe.Faults.Add(new FaultRule(400, 1, "/v1/customers", every: 2));

        var job = await harness.SnapshotAsync(prune: true, "customer");

        Assert.Equal(JobState.Failed, job.State);
        Assert.Equal(0, job.Pruned);
        Assert.DoesNotContain(kafka.ReadRecords(harness.Topic("customer")), r => r.Header("__op") == "d");
        Assert.DoesNotContain(stripe.Log.Requests, r => r.Path.StartsWith("/v1/customers/", StringComparison.Ordinal));

        // Resumed to its end from the checkpoint, the listing is complete: it prunes, by the time it first began.
        stripe.Faults.Clear();
        stripe.Log.Clear();
        var resumed = await harness.SnapshotAsync(prune: true, "customer");

        Assert.Equal(JobState.Completed, resumed.State);
        Assert.True(resumed.Resources.Single().ResumedFrom > 0, "the second run resumed");
        Assert.DoesNotContain(stripe.Log.Requests, r => r.Path == "/v1/customers" && !r.Query.Contains("starting_after", StringComparison.Ordinal));
        Assert.Equal([customers[0]], kafka.ReadRecords(harness.Topic("customer")).Where(r => r.Header("__op") == "d").Select(r => r.KeyId));
    }

    [Fact]
    public async Task An_object_listed_under_a_parent_is_asked_for_under_the_parent_its_held_value_names()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var customers = FakeStripeSeeder.Seed(stripe.Data, "customer", 4);
        var paymentMethods = FakeStripeSeeder.Seed(stripe.Data, "payment_method", 12);
        using var harness = new SnapshotHarness(stripe, kafka);
        await harness.SnapshotAsync("payment_method");
        // The seeder puts odd-numbered payment methods on customers[i % 4].
        stripe.Data.DeleteSilently($"/v1/customers/{customers[3]}/payment_methods", paymentMethods[3]);
        await PruneSupport.NextSecondAsync();
        stripe.Log.Clear();

        var job = await harness.SnapshotAsync(prune: true, "payment_method");

        Assert.Equal(JobState.Completed, job.State);
        Assert.Equal(1, job.Pruned);
        Assert.Contains(stripe.Log.Requests, r => r.Path == $"/v1/customers/{customers[3]}/payment_methods/{paymentMethods[3]}" && r.Status == 404);
        var delete = Assert.Single(kafka.ReadRecords(harness.Topic("payment_method")), r => r.Header("__op") == "d");
        Assert.Equal(paymentMethods[3], delete.KeyId);
        Assert.Equal("payment_method.pruned", delete.Json.GetProperty("_event_type").GetString());
    }

    [Fact]
    public async Task A_404_that_is_not_resource_missing_confirms_nothing()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var customers = FakeStripeSeeder.Seed(stripe.Data, "customer", 20);
        using var harness = new SnapshotHarness(stripe, kafka);
        await harness.SnapshotAsync("customer");
        stripe.Data.DeleteSilently("/v1/customers", customers[5]);
        await PruneSupport.NextSecondAsync();
        // As if Stripe had no retrieve path for the resource: a 404 without the code resource_missing.
        stripe.Faults.Add(new FaultRule(404, int.MaxValue, "/v1/customers/"));

        var job = await harness.SnapshotAsync(prune: true, "customer");

        Assert.Equal(JobState.Completed, job.State);
        Assert.Equal(0, job.Pruned);
        Assert.Contains(stripe.Log.Requests, r => r.Path == "/v1/customers/" + customers[5] && r.Status == 404);
        Assert.DoesNotContain(kafka.ReadRecords(harness.Topic("customer")), r => r.Header("__op") == "d");
    }

    [Fact]
    public async Task An_object_changed_after_the_listing_began_is_not_pruned()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var customers = FakeStripeSeeder.Seed(stripe.Data, "customer", 250);
        using var harness = new SnapshotHarness(stripe, kafka);
        await harness.SnapshotAsync("customer");
        stripe.Data.DeleteSilently("/v1/customers", customers[1]);
        stripe.Data.DeleteSilently("/v1/customers", customers[2]);

        await PruneSupport.PruneWithChangeDuringListingAsync(stripe, harness, customers[2]);

        var deletes = kafka.ReadRecords(harness.Topic("customer")).Where(r => r.Header("__op") == "d").Select(r => r.KeyId).ToList();
        Assert.Equal([customers[1]], deletes);
    }
}

/// <summary>SPEC §6, missed deletes, against the Postgres state tables.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPruneTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Objects_deleted_without_an_event_get_deleted_rows_after_snapshot_prune()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var customers = FakeStripeSeeder.Seed(stripe.Data, "customer", 150);
        var database = await postgres.Server.CreateDatabaseAsync();
        using var harness = new SnapshotHarness(stripe, kafka: null, settings: [("StripeCdc:Sink", "Postgres"), ("ConnectionStrings:postgres", database), ("TopicPrefix", "")]);
        await harness.SnapshotAsync("customer");
        stripe.Data.DeleteSilently("/v1/customers", customers[4]);
        stripe.Data.DeleteSilently("/v1/customers", customers[140]);
        stripe.Data.HideFromList("/v1/customers", customers[60]);
        await PruneSupport.NextSecondAsync();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var job = await harness.SnapshotAsync(prune: true, "customer");

        Assert.Equal(JobState.Completed, job.State);
        Assert.Equal(2, job.Pruned);
        var rows = await RowsAsync(database);
        Assert.Equal(150, rows.Count);
        Assert.Equal([customers[4], customers[140]], rows.Where(r => r.Deleted).Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.All(rows.Where(r => r.Deleted), row =>
        {
            Assert.Equal("customer.pruned", row.EventType);
            Assert.True(row.EventCreated.ToUnixTimeSeconds() >= before);
            // The row keeps the object as it was last held, as a live delete keeps the deleted object.
            Assert.EndsWith("@example.com", row.Email, StringComparison.Ordinal);
        });
        Assert.False(rows.Single(r => r.Id == customers[60]).Deleted);
    }

    [Fact]
    public async Task An_object_changed_after_the_listing_began_keeps_its_row()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var customers = FakeStripeSeeder.Seed(stripe.Data, "customer", 250);
        var database = await postgres.Server.CreateDatabaseAsync();
        using var harness = new SnapshotHarness(stripe, kafka: null, settings: [("StripeCdc:Sink", "Postgres"), ("ConnectionStrings:postgres", database), ("TopicPrefix", "")]);
        await harness.SnapshotAsync("customer");
        stripe.Data.DeleteSilently("/v1/customers", customers[1]);
        stripe.Data.DeleteSilently("/v1/customers", customers[2]);

        await PruneSupport.PruneWithChangeDuringListingAsync(stripe, harness, customers[2]);

        var rows = await RowsAsync(database);
        Assert.Equal([customers[1]], rows.Where(r => r.Deleted).Select(r => r.Id));
        Assert.Equal("changed@example.com", rows.Single(r => r.Id == customers[2]).Email);
    }

    [Fact]
    public async Task A_connected_account_s_row_is_not_pruned_by_the_platform_s_listing()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var customers = FakeStripeSeeder.Seed(stripe.Data, "customer", 10);
        var database = await postgres.Server.CreateDatabaseAsync();
        using var harness = new SnapshotHarness(stripe, kafka: null, settings: [("StripeCdc:Sink", "Postgres"), ("ConnectionStrings:postgres", database), ("TopicPrefix", "")]);
        await harness.SnapshotAsync("customer");
        // A connected account holds an object with the same id; the platform's copy is then deleted silently.
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var copy = new NpgsqlCommand(
                "insert into stripe_raw.customer (account, id, data, event_id, event_type, event_created, deleted, synced_at) " +
                "select 'acct_connected', id, data, event_id, event_type, event_created, deleted, synced_at from stripe_raw.customer where account = '' and id = $1",
                connection);
            copy.Parameters.Add(new NpgsqlParameter { Value = customers[3] });
            Assert.Equal(1, await copy.ExecuteNonQueryAsync());
        }

        stripe.Data.DeleteSilently("/v1/customers", customers[3]);
        await PruneSupport.NextSecondAsync();

        var job = await harness.SnapshotAsync(prune: true, "customer");

        Assert.Equal(1, job.Pruned);
        await using var check = new NpgsqlConnection(database);
        await check.OpenAsync();
        await using var rows = new NpgsqlCommand("select account, deleted from stripe.customer where id = $1 order by account", check);
        rows.Parameters.Add(new NpgsqlParameter { Value = customers[3] });
        await using var reader = await rows.ExecuteReaderAsync();
        var states = new List<(string, bool)>();
        while (await reader.ReadAsync())
        {
            states.Add((reader.GetString(0), reader.GetBoolean(1)));
        }

        Assert.Equal([("", true), ("acct_connected", false)], states);
        Assert.Single(stripe.Log.Requests, r => r.Path == "/v1/customers/" + customers[3]);
    }

    [Fact]
    public async Task Prune_with_the_JsonLines_sink_fails_with_a_message_naming_the_sinks_that_can()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        FakeStripeSeeder.Seed(stripe.Data, "customer", 5);
        var folder = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"));
        using var harness = new SnapshotHarness(stripe, kafka: null, settings: [("StripeCdc:Sink", "JsonLines"), ("StripeCdc:Sinks:JsonLines:Folder", folder)]);

        var job = await harness.SnapshotAsync(prune: true, "customer");

        Assert.Equal(JobState.Failed, job.State);
        Assert.Equal(SnapshotPruner.NoInventory, job.Resources.Single().Error);
    }

    private static async Task<List<(string Id, bool Deleted, string EventType, DateTimeOffset EventCreated, string? Email)>> RowsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select id, deleted, event_type, event_created, data->>'email' from stripe.customer order by id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, bool, string, DateTimeOffset, string?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetBoolean(1), reader.GetString(2), new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return rows;
    }
}

internal static class PruneSupport
{
    /// <summary>Reads carry whole seconds: a prune run must begin in a later second than the reads it compares with.</summary>
    public static Task NextSecondAsync() => Task.Delay(TimeSpan.FromMilliseconds(1100));

    /// <summary>
    /// Runs <c>snapshot --prune</c> of customers with slow pages; a second into the listing, a live
    /// <c>customer.updated</c> of <paramref name="changedId"/> arrives (created then), so its last change is after the listing began.
    /// </summary>
    public static async Task PruneWithChangeDuringListingAsync(FakeStripeServer stripe, SnapshotHarness harness, string changedId)
    {
        await NextSecondAsync();
        stripe.Faults.PageDelay = TimeSpan.FromSeconds(1.5);
        var run = harness.SnapshotAsync(prune: true, "customer");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!stripe.Log.Requests.Any(r => r.Path == "/v1/customers"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the listing did not begin");
            await Task.Delay(20);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = Encoding.UTF8.GetBytes(StripeObjects.Event("customer.updated", StripeObjects.Customer(changedId, "changed@example.com"), "evt_prune_" + changedId, created));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var context = new RecordContext(harness.Source, body, null, DateTimeOffset.UtcNow) { CancellationToken = timeout.Token };
        await harness.Pipeline.ProcessAsync(context);
        Assert.Equal(PipelineOutcome.Produced, context.Outcome);

        var job = await run;
        Assert.Equal(JobState.Completed, job.State);
        Assert.Equal(1, job.Pruned);
    }

    public static string? KeyId(KafkaRecord record) => record.KeyJson.GetProperty("id").GetString();

    /// <summary>How often a top-level property appears in a JSON object (a duplicated appended field would count twice).</summary>
    public static int Count(byte[] json, string property)
    {
        var reader = new Utf8JsonReader(json);
        var count = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals(property))
            {
                count++;
            }
        }

        return count;
    }
}
