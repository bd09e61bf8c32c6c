using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using StripeCdc.Configuration;
using StripeCdc.EmbeddedKafka;
using StripeCdc.FakeStripe;
using StripeCdc.StripeApi;
using StripeCdc.StripeApi.Fairness;

/// <summary>
/// `connect` mode: one platform key's fair budget (SPEC §12) against the fake API, through the real
/// Stripe.net client.
///   a. throughput of the worker's <c>snapshot --accounts all</c> over many small accounts at a fixed
///      budget, into the embedded Kafka: share of the budget used (goal ≥ 90 %);
///   b. the p99 wait of a small account's re-read while a large account backfills, fair and first come,
///      first served.
/// </summary>
internal static class ConnectBenchmark
{
    private static readonly string[] SmallResources = ["customer", "product"];

    public static async Task<int> RunAsync(int accounts, double rate, double rereadRate, int largeObjects, int rereads, int? maxConcurrentAccounts)
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        using var kafka = EmbeddedKafkaCluster.Start(brokerCount: 1);
        var share = await SmallAccountsAsync(stripe, kafka, accounts, rate, maxConcurrentAccounts);
        var fair = await ReReadsDuringBackfillAsync(stripe, rereadRate, largeObjects, rereads, fair: true);
        var fifo = await ReReadsDuringBackfillAsync(stripe, rereadRate, largeObjects, rereads, fair: false);
        return share >= 0.9 && fair <= 4 && fair < fifo ? 0 : 1;
    }

    private static async Task<double> SmallAccountsAsync(FakeStripeServer stripe, EmbeddedKafkaCluster kafka, int accounts, double rate, int? maxConcurrentAccounts)
    {
        for (var i = 0; i < accounts; i++)
        {
            var data = stripe.Accounts.Add($"acct_1Bench{i:D6}");
            foreach (var resource in SmallResources)
            {
                FakeStripeSeeder.Seed(data, resource, 3 + (i % 5), tag: $"A{i:D4}");
            }
        }

        // The worker's own `snapshot --accounts all`: /v1/accounts (paged), then each account's resources
        // with its Stripe-Account, MaxConcurrentAccounts at a time, every page produced to Kafka.
        // Warm-up, not measured: JIT, connections, and the topics' creation and metadata.
        await WorkerRun.SnapshotAsync(kafka.BootstrapServers, stripe.ApiBase, "connect.", rate, SmallResources, accounts: ["acct_1Bench000000"], maxConcurrentAccounts);
        stripe.Log.Clear();
        var (job, elapsed) = await WorkerRun.SnapshotAsync(kafka.BootstrapServers, stripe.ApiBase, "connect.", rate, SmallResources, accounts: ["all"], maxConcurrentAccounts);
        var objects = job.Objects;
        var requests = stripe.Log.Requests.OrderBy(r => r.At).ToList();
        var span = (requests[^1].At - requests[0].At).TotalSeconds;
        var achieved = (requests.Count - 1) / span;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"accounts: snapshot --accounts all ({job.State}): {job.Accounts.Count:N0} connected accounts, {objects:N0} objects, {requests.Count:N0} requests in {span:F2} s = {achieved:F2} req/s of {rate} = {achieved / rate:P1} of the budget; max in any 1 s window {stripe.Log.MaxInAnyWindow(TimeSpan.FromSeconds(1))} ({elapsed.TotalSeconds:F1} s)"));
        return achieved / rate;
    }

    private static async Task<long> ReReadsDuringBackfillAsync(FakeStripeServer stripe, double rate, int largeObjects, int rereads, bool fair)
    {
        var large = $"acct_1BenchLarge{(fair ? "F" : "Q")}";
        var data = stripe.Accounts.Add(large);
        FakeStripeSeeder.Seed(data, "customer", largeObjects, tag: "L");
        FakeStripeSeeder.Seed(data, "charge", largeObjects, tag: "L");
        FakeStripeSeeder.Seed(data, "invoice", largeObjects, tag: "L");
        FakeStripeSeeder.Seed(data, "product", largeObjects, tag: "L");
        const int smallAccounts = 10;
        var small = Enumerable.Range(0, smallAccounts).Select(i => $"acct_1BenchSmall{(fair ? "F" : "Q")}{i:D3}").ToList();
        foreach (var account in small)
        {
            stripe.Accounts.Add(account).Add("/v1/customers", new FakeObject("cus_bench", FakeStripeSeeder.StartTime, StripeCdc.Testing.StripeObjects.Customer("cus_bench", $"{account}@example.com")));
        }

        using var api = Client(stripe, rate, fair);
        var slot = TimeSpan.FromSeconds(1 / rate);

        // The backfill: four resources, each read by 4 lists at once (a snapshot's prefetch and its
        // parallel resources), so 16 of the large account's pages are always queued.
        using var stop = new CancellationTokenSource();
        var backfill = new[] { "customer", "charge", "invoice", "product" }.SelectMany(resource => Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            using var bulk = StripeRequestClass.Bulk();
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await foreach (var page in api.ListAllAsync(FakeStripeSeeder.ListPaths[resource], [], null, stop.Token, large))
                    {
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        }))).ToList();
        await Task.Delay(slot * 20);

        // Small accounts re-read now and then: together about a quarter of the budget.
        var waits = new ConcurrentBag<double>();
        var perAccount = Math.Max(1, rereads / smallAccounts);
        await Task.WhenAll(small.Select((account, index) => Task.Run(async () =>
        {
            await Task.Delay(slot * index);
            for (var i = 0; i < perAccount; i++)
            {
                await Task.Delay(slot * (4 * smallAccounts));
                var clock = Stopwatch.StartNew();
                await api.GetAsync("/v1/customers/cus_bench", [], CancellationToken.None, account);
                waits.Add(clock.Elapsed.TotalMilliseconds);
            }
        })));
        await stop.CancelAsync();
        await Task.WhenAll(backfill);
        var sorted = waits.Order().ToList();
        var p99 = sorted[(int)Math.Ceiling(0.99 * sorted.Count) - 1];
        var p50 = sorted[(sorted.Count - 1) / 2];
        var p99Slots = api.Scheduler.WaitPercentile(RequestClass.Interactive, 0.99);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"re-read while backfilling ({(fair ? "fair" : "first come, first served")}): {sorted.Count} re-reads of {smallAccounts} small accounts at {rate} req/s (slot {slot.TotalMilliseconds:F0} ms): p50 {p50:F0} ms, p99 {p99:F0} ms, p99 wait {p99Slots} slots; the large account's backfill got {api.Scheduler.Granted - sorted.Count:N0} slots meanwhile"));
        return p99Slots;
    }

    private static StripeApiClient Client(FakeStripeServer stripe, double rate, bool fair) => StripeApiClient.Create(
        new SourceSettings("platform", new SourceOptions { StripeApiKey = "sk_test_benchConnect", StripeApiBase = stripe.ApiBase, Connect = true }),
        new StripeApiOptions { RequestsPerSecond = rate, FairBudget = fair },
        TimeProvider.System,
        NullLogger.Instance,
        new SocketsHttpHandler { MaxConnectionsPerServer = 64 });
}
