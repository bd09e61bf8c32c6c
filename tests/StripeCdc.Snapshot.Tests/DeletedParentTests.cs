using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

/// <summary>
/// A list under a parent (payment methods, tax ids per customer) while the parents change: a customer deleted
/// after its page was read has its list answered 404 <c>resource_missing</c>, as Stripe does. Found by the
/// Connect correctness scenario, where a new account's backfill runs while its customers are deleted.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class DeletedParentTests(KafkaFixture kafka)
{
    [Fact]
    public async Task A_parent_deleted_after_it_was_listed_is_passed_over_and_the_resource_completes()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var customers = FakeStripeSeeder.Seed(stripe.Data, "customer", 40);
        FakeStripeSeeder.Seed(stripe.Data, "payment_method", 230);
        stripe.Faults.Add(new FaultRule(404, 1, $"/v1/customers/{customers[5]}/payment_methods", code: "resource_missing"));
        using var harness = new SnapshotHarness(stripe, kafka);

        var job = await harness.SnapshotAsync("payment_method");

        Assert.Equal(JobState.Completed, job.State);
        Assert.InRange(job.Objects, 1, 230);
    }
}
