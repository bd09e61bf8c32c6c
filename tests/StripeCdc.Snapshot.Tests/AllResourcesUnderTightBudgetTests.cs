using System.Text.Json;
using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Snapshots;
using StripeCdc.Snapshot.Tests.Support;

namespace StripeCdc.Snapshot.Tests;

/// <summary>
/// SPEC §6 at full width: <c>snapshot --resources all</c> of an account with a few objects of every catalogue
/// resource (some over more than one page), a request budget of a few requests a second and a Stripe that
/// answers 429 now and then (with <c>Stripe-Should-Retry: true</c> and without the header), run as the real
/// worker process: it completes, the sink holds every object, progress names every resource; killed mid-run
/// and started again, it continues from its checkpoints and lists no completed resource again.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class AllResourcesUnderTightBudgetTests
{
    private const int PageSize = 2;
    private const int RequestsPerSecond = 12;

    /// <summary>Three objects (two pages) of these, two of every other top-level resource.</summary>
    private static readonly HashSet<string> Paged = new(StringComparer.Ordinal) { "customer", "charge", "product", "invoice" };

    [Fact]
    public async Task A_snapshot_of_all_resources_completes_within_a_tight_budget_through_429s_and_resumes_after_a_kill()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var seeded = CatalogueSeeder.SeedSomeOfEach(stripe.Data, FakeStripeSeeder.StartTime, r => Paged.Contains(r.Name) ? 3 : 2);

        // A fresh run, to the end.
        var fresh = new Run();
        InjectRateLimits(stripe);
        using (var worker = WorkerProcess.Start(["snapshot", "--resources", "all"], fresh.Environment(stripe)))
        {
            Assert.True(0 == await worker.WaitForExitAsync(TimeSpan.FromSeconds(60)), worker.Output);
            Assert.All(SnapshotResource.All, r => Assert.Contains($"summary {r.Name,-20} Completed", worker.Output, StringComparison.Ordinal));
            Assert.All(SnapshotResource.All, r => Assert.Contains($"snapshot {r.Name,-20} ", worker.Output, StringComparison.Ordinal));
        }

        Assert.True(stripe.Log.Requests.Count(r => r.Status == 429) >= 10, "the fake answered 429s");
        var freshRequests = stripe.Log.Requests.Count(r => r.Status == 200);
        Assert.Empty(seeded.Except(fresh.SinkObjects()));
        Assert.True(seeded.Count >= 2 * SnapshotResource.All.Count, $"a few objects of each resource: {seeded.Count}");

        // The same again, killed once a third of the resources are complete, then started again.
        stripe.Log.Clear();
        stripe.Faults.Clear();
        InjectRateLimits(stripe);
        var resumed = new Run();
        HashSet<string> completeAtKill;
        using (var first = WorkerProcess.Start(["snapshot", "--resources", "all"], resumed.Environment(stripe)))
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((completeAtKill = resumed.CompletedCheckpoints()).Count < SnapshotResource.All.Count / 3)
            {
                Assert.False(first.HasExited, "the worker ended before it could be killed: " + first.Output);
                Assert.True(DateTime.UtcNow < deadline, "the worker made no progress: " + first.Output);
                await Task.Delay(20);
            }

            first.Kill();
            completeAtKill = resumed.CompletedCheckpoints();
        }

        Assert.True(completeAtKill.Count < SnapshotResource.All.Count, "the kill came mid-run");
        stripe.Log.Clear();
        using (var second = WorkerProcess.Start(["snapshot", "--resources", "all"], resumed.Environment(stripe)))
        {
            Assert.True(0 == await second.WaitForExitAsync(TimeSpan.FromSeconds(60)), second.Output);
            Assert.All(SnapshotResource.All, r => Assert.Contains($"summary {r.Name,-20} Completed", second.Output, StringComparison.Ordinal));
            Assert.Contains("resumed after", second.Output, StringComparison.Ordinal);
        }

        var restartRequests = stripe.Log.Requests.Count(r => r.Status == 200);
        Assert.True(restartRequests < freshRequests, $"the restart made {restartRequests} requests, a fresh run {freshRequests}");
        Assert.Empty(seeded.Except(resumed.SinkObjects()));
        Assert.Equal(SnapshotResource.All.Count, resumed.CompletedCheckpoints().Count);

        // A resource complete at the kill was not read again (where no unfinished resource reads the same
        // lists: a child resource walks its parent's list).
        var busy = SnapshotResource.All.Where(r => !completeAtKill.Contains(r.Name)).SelectMany(ReadPaths).ToHashSet(StringComparer.Ordinal);
        var checkedResources = 0;
        foreach (var resource in SnapshotResource.All.Where(r => completeAtKill.Contains(r.Name) && !busy.Contains(ReadPaths(r).First())))
        {
            checkedResources++;
            Assert.DoesNotContain(stripe.Log.Requests, r => Reads(resource, r.Path));
        }

        Assert.True(checkedResources >= 10, $"only {checkedResources} complete resources could be checked");
    }

    /// <summary>429s on about one request in six, half with <c>Stripe-Should-Retry: true</c>, half without the header.</summary>
    private static void InjectRateLimits(FakeStripeServer stripe)
    {
        stripe.Faults.RateLimit(count: 12, every: 11, shouldRetry: true);
        stripe.Faults.RateLimit(count: 12, every: 13, shouldRetry: null);
    }

    /// <summary>The path pattern of a resource's own reads (a child's with the parent marker), then its parent's list.</summary>
    private static IEnumerable<string> ReadPaths(SnapshotResource resource)
    {
        yield return resource.ListPath;
        if (resource.Parent is { } parent)
        {
            yield return SnapshotResource.Find(parent.Resource)!.ListPath;
        }
    }

    /// <summary>Whether a request path is one of the resource's own reads.</summary>
    private static bool Reads(SnapshotResource resource, string path)
    {
        var marker = resource.ListPath.IndexOf('{', StringComparison.Ordinal);
        if (marker < 0)
        {
            return path == resource.ListPath;
        }

        var tail = resource.ListPath[(resource.ListPath.IndexOf('}', marker) + 1)..];
        return path.StartsWith(resource.ListPath[..marker], StringComparison.Ordinal) && path.EndsWith(tail, StringComparison.Ordinal)
            && !path[marker..^tail.Length].Contains('/', StringComparison.Ordinal);
    }

    /// <summary>One worker's folders: its checkpoints and its JSON Lines sink.</summary>
    private sealed class Run
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"));

        private string Checkpoints => Path.Combine(_folder, "checkpoints");

        private string Records => Path.Combine(_folder, "records");

        public Dictionary<string, string> Environment(FakeStripeServer stripe) => new()
        {
            ["StripeCdc__Sink"] = "JsonLines",
            ["StripeCdc__Sinks__JsonLines__Folder"] = Records,
            ["StripeCdc__Sources__default__StripeApiKey"] = "sk_test_tightbudget",
            ["StripeCdc__Sources__default__StripeApiBase"] = stripe.ApiBase,
            ["StripeCdc__StripeApi__RequestsPerSecond"] = RequestsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["StripeCdc__StripeApi__PageSize"] = PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["StripeCdc__StripeApi__RetryBaseDelay"] = "00:00:00.200",
            ["StripeCdc__Snapshot__CheckpointStore"] = "File",
            ["StripeCdc__Snapshot__CheckpointFolder"] = Checkpoints,
        };

        /// <summary>The resources whose checkpoint says complete.</summary>
        public HashSet<string> CompletedCheckpoints()
        {
            var folder = Path.Combine(Checkpoints, "default");
            var complete = new HashSet<string>(StringComparer.Ordinal);
            if (!Directory.Exists(folder))
            {
                return complete;
            }

            foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
            {
                try
                {
                    using var checkpoint = JsonDocument.Parse(File.ReadAllBytes(file));
                    if (checkpoint.RootElement.GetProperty("completed").GetBoolean())
                    {
                        complete.Add(checkpoint.RootElement.GetProperty("resource").GetString()!);
                    }
                }
                catch (Exception ex) when (ex is IOException or JsonException)
                {
                    // Being replaced: read it next time.
                }
            }

            return complete;
        }

        /// <summary>Every object the sink's records hold, as its type and id.</summary>
        public HashSet<(string Type, string? Id)> SinkObjects()
        {
            var objects = new HashSet<(string, string?)>();
            foreach (var file in Directory.EnumerateFiles(Records, "*.jsonl"))
            {
                foreach (var line in File.ReadLines(file))
                {
                    using var record = JsonDocument.Parse(line);
                    if (record.RootElement.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Object && value.TryGetProperty("object", out var type))
                    {
                        objects.Add((type.GetString()!, value.TryGetProperty("id", out var id) ? id.GetString() : null));
                    }
                }
            }

            return objects;
        }
    }
}
