using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Tests.Support;

namespace StripeCdc.Snapshot.Tests;

[Collection(KafkaCollection.Name)]
public sealed class FailureTests(KafkaFixture kafka)
{
    [Fact]
    public async Task A_429_storm_and_5xx_bursts_give_the_same_records_within_the_budget()
    {
        const int rate = 40;
        await using var stripe = await FakeStripeServer.StartAsync();
        var customers = FakeStripeSeeder.Seed(stripe.Data, "customer", 1000);
        var charges = FakeStripeSeeder.Seed(stripe.Data, "charge", 1000);
        var storm = stripe.Faults.RateLimit(count: 12, every: 2);
        var stormWithHeader = stripe.Faults.RateLimit(count: 6, every: 3, shouldRetry: true);
        var burst = stripe.Faults.ServerError(count: 6);

        // One retry layer (no retries multiplied by Stripe.net's and ours): the calls of both resources
        // may meet every one of the 24 failures, so each may retry that often.
        using var harness = new SnapshotHarness(stripe, kafka, [
            ("StripeCdc:StripeApi:RequestsPerSecond", rate.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("StripeCdc:StripeApi:MaxRetries", "24")]);

        var job = await harness.SnapshotAsync("customer", "charge");

        Assert.True(job.State == JobState.Completed, string.Join("; ", job.Resources.Select(r => $"{r.Resource}: {r.State} {r.Error}")));
        Assert.Equal(0, storm.Remaining + stormWithHeader.Remaining + burst.Remaining);
        var log = stripe.Log.Requests;
        Assert.Equal(18, log.Count(r => r.Status == 429));
        Assert.Equal(6, log.Count(r => r.Status == 500));
        Assert.Equal(customers.Order(StringComparer.Ordinal), kafka.ReadRecords(harness.Topic("customer")).Select(r => r.KeyId).Order(StringComparer.Ordinal));
        Assert.Equal(charges.Order(StringComparer.Ordinal), kafka.ReadRecords(harness.Topic("charge")).Select(r => r.KeyId).Order(StringComparer.Ordinal));

        // The budget let through every request the fake saw (Stripe.net's own retries included). Requests
        // leave at most `rate` per 1.025 s; the fake stamps them on arrival, after a network stack that
        // can delay one by tens of milliseconds on a loaded 2-core machine, hence the one request of slack.
        Assert.Equal(log.Count, harness.Api.Budget.Granted);
        Assert.InRange(stripe.Log.MaxInAnyWindow(TimeSpan.FromSeconds(1)), 1, rate + 1);
    }

    [Fact]
    public async Task A_permanent_error_on_one_resource_is_reported_and_the_others_complete()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var customers = FakeStripeSeeder.Seed(stripe.Data, "customer", 150);
        FakeStripeSeeder.Seed(stripe.Data, "payout", 150);
        FakeStripeSeeder.Seed(stripe.Data, "coupon", 150);
        stripe.Faults.Add(new FaultRule(403, int.MaxValue, "/v1/payouts"));
        stripe.Faults.RateLimit(int.MaxValue, shouldRetry: false, pathPrefix: "/v1/coupons");
        using var harness = new SnapshotHarness(stripe, kafka);

        var job = await harness.SnapshotAsync("customer", "payout", "coupon");

        Assert.Equal(JobState.Failed, job.State);
        var byName = job.Resources.ToDictionary(r => r.Resource);
        Assert.Equal(JobState.Completed, byName["customer"].State);
        Assert.Equal(JobState.Failed, byName["payout"].State);
        Assert.Contains("403", byName["payout"].Error, StringComparison.Ordinal);
        Assert.Equal(JobState.Failed, byName["coupon"].State);
        Assert.Contains("429", byName["coupon"].Error, StringComparison.Ordinal);
        Assert.Single(stripe.Log.Requests, r => r.Path == "/v1/coupons");
        Assert.Equal(customers.Count, kafka.ReadRecords(harness.Topic("customer")).Count);
        Assert.DoesNotContain("sk_test", byName["payout"].Error, StringComparison.Ordinal);
    }
}
