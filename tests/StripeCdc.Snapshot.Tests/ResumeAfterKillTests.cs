using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Tests.Support;

namespace StripeCdc.Snapshot.Tests;

[Collection(KafkaCollection.Name)]
public sealed class ResumeAfterKillTests(KafkaFixture kafka)
{
    private const int ObjectsPerResource = 1500;
    private const int PageSize = 100;

    [Fact]
    public async Task A_worker_killed_mid_run_resumes_and_loses_nothing_with_at_most_one_page_of_duplicates()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        string[] resources = ["customer", "charge", "payment_method"];
        var expected = new Dictionary<string, IReadOnlyList<string>>
        {
            ["customer"] = FakeStripeSeeder.Seed(stripe.Data, "customer", ObjectsPerResource),
            ["charge"] = FakeStripeSeeder.Seed(stripe.Data, "charge", ObjectsPerResource),
            ["payment_method"] = FakeStripeSeeder.Seed(stripe.Data, "payment_method", ObjectsPerResource),
        };
        stripe.Faults.PageDelay = TimeSpan.FromMilliseconds(120);
        var prefix = "kill" + Guid.NewGuid().ToString("N")[..8] + ".";
        var checkpoints = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"));
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__kafka"] = kafka.BootstrapServers,
            ["StripeCdc__Sources__default__StripeApiKey"] = "sk_test_killtest",
            ["StripeCdc__Sources__default__StripeApiBase"] = stripe.ApiBase,
            ["StripeCdc__Sources__default__TopicPrefix"] = prefix,
            ["StripeCdc__Sources__default__Resources"] = string.Join(",", resources),
            ["StripeCdc__Snapshot__RequestsPerSecond"] = "10000",
            ["StripeCdc__Snapshot__CheckpointFolder"] = checkpoints,
            ["StripeCdc__Snapshot__CheckpointStore"] = "File",
        };
        string[] args = ["snapshot", "--resources", string.Join(",", resources)];

        using (var first = WorkerProcess.Start(args, environment))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!(stripe.Log.Requests.Count(r => r.Path == "/v1/charges") >= 5 && File.Exists(Path.Combine(checkpoints, "default", "charge.json")) && File.Exists(Path.Combine(checkpoints, "default", "payment_method.json"))))
            {
                Assert.False(first.HasExited, "the worker ended before it could be killed: " + first.Output);
                Assert.True(DateTime.UtcNow < deadline, "the worker made no progress: " + first.Output);
                await Task.Delay(20);
            }

            first.Kill();
        }

        var chargePagesBeforeKill = stripe.Log.Requests.Count(r => r.Path == "/v1/charges");
        Assert.True(chargePagesBeforeKill < ObjectsPerResource / PageSize, "the kill came mid-run");
        stripe.Log.Clear();
        stripe.Faults.PageDelay = TimeSpan.Zero;

        using (var second = WorkerProcess.Start(args, environment))
        {
            Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(90)));
            Assert.Contains("resumed after", second.Output, StringComparison.Ordinal);
        }

        // The restart did not read charges from the beginning.
        Assert.DoesNotContain(stripe.Log.Requests, r => r.Path == "/v1/charges" && !r.Query.Contains("starting_after", StringComparison.Ordinal));
        foreach (var resource in resources)
        {
            var records = kafka.ReadRecords(prefix + resource);
            var ids = records.Select(r => r.KeyId).ToList();
            Assert.Equal(expected[resource].Order(StringComparer.Ordinal), ids.Distinct().Order(StringComparer.Ordinal));
            Assert.InRange(ids.Count - ObjectsPerResource, 0, PageSize);
        }
    }
}
