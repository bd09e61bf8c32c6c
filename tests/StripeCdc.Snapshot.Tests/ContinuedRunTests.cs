using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Checkpoints;
using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

/// <summary>
/// SPEC §6 (resumes after a crash): a snapshot started again continues the interrupted run: its unfinished
/// resources from their cursors, its completed resources not at all; a resource completed by an earlier,
/// finished run is read from the beginning.
/// </summary>
public sealed class ContinuedRunTests
{
    [Fact]
    public async Task A_snapshot_started_after_an_interrupted_run_skips_what_that_run_completed_and_resumes_the_rest()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var customers = FakeStripeSeeder.Seed(stripe.Data, "customer", 5);
        FakeStripeSeeder.Seed(stripe.Data, "charge", 5);
        FakeStripeSeeder.Seed(stripe.Data, "product", 5);
        var sink = new CapturingSink();
        using var harness = new SnapshotHarness(stripe, kafka: null, sink: sink);
        var store = harness.Services.GetRequiredService<ICheckpointStore>();
        var at = DateTimeOffset.UtcNow;
        await store.SaveAsync("default", new ResourceCheckpoint("run1", "customer", customers[2], 3, Completed: false, at), CancellationToken.None);
        await store.SaveAsync("default", new ResourceCheckpoint("run1", "charge", null, 5, Completed: true, at), CancellationToken.None);
        await store.SaveAsync("default", new ResourceCheckpoint("run0", "product", null, 5, Completed: true, at), CancellationToken.None);

        var job = await harness.SnapshotAsync("customer", "charge", "product");

        Assert.Equal(JobState.Completed, job.State);
        Assert.DoesNotContain(stripe.Log.Requests, r => r.Path == "/v1/charges");
        Assert.Contains(stripe.Log.Requests, r => r.Path == "/v1/products" && !r.Query.Contains("starting_after", StringComparison.Ordinal));
        Assert.All(stripe.Log.Requests.Where(r => r.Path == "/v1/customers"), r => Assert.Contains("starting_after=" + customers[2], r.Query, StringComparison.Ordinal));
        Assert.Equal(5, job.Resources.Single(r => r.Resource == "charge").ResumedFrom);
        Assert.Equal(2, sink.Records.Count(r => r.Topic == harness.Topic("customer")));
        Assert.Equal(5, sink.Records.Count(r => r.Topic == harness.Topic("product")));
        Assert.All(sink.Records, r => Assert.Contains("snapshot:run1:", System.Text.Encoding.UTF8.GetString(r.Value), StringComparison.Ordinal));
        Assert.True((await store.LoadAsync("default", "customer", CancellationToken.None))!.Completed);

        // The run is complete now: the next snapshot reads everything again.
        stripe.Log.Clear();
        var next = await harness.SnapshotAsync("customer", "charge", "product");
        Assert.Equal(JobState.Completed, next.State);
        Assert.Contains(stripe.Log.Requests, r => r.Path == "/v1/charges" && !r.Query.Contains("starting_after", StringComparison.Ordinal));
        Assert.Contains(stripe.Log.Requests, r => r.Path == "/v1/customers" && !r.Query.Contains("starting_after", StringComparison.Ordinal));
    }
}
