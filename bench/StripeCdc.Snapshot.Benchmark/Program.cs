using System.Globalization;
using StripeCdc.EmbeddedKafka;
using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Progress;

// Snapshot benchmark: the real worker (Stripe.net client, budget, pipeline, Kafka sink, checkpoints)
// against the fake Stripe API and the embedded Kafka, all in this process.
//   1. throughput: objects/s with no rate limit (target ≥ 20,000/s);
//   2. budget use: achieved request rate under a 25 req/s budget (target ≥ 95 %).
//   `connect` measures the fair budget of one Connect platform key instead (ConnectBenchmark.cs).
//   `serve` instead starts only the fake Stripe (seeded) and the embedded Kafka, and waits, for trying
//   the CLI or the worker by hand.
if (args.Length > 0 && args[0] == "connect")
{
    return await ConnectBenchmark.RunAsync(ReadInt("--accounts", 1_000), ReadInt("--rate", 100), ReadInt("--reread-rate", 25), ReadInt("--large-objects", 5_000), ReadInt("--rereads", 100), args.Contains("--max-concurrent-accounts") ? ReadInt("--max-concurrent-accounts", 4) : null);
}

if (args.Length > 0 && args[0] == "serve")
{
    return await ServeAsync(ReadInt("--objects", 500));
}

var objects = ReadInt("--objects", 25_000);
var budgetSeconds = ReadInt("--budget-seconds", 20);
string[] throughputResources = ["customer", "charge", "payment_intent", "invoice", "product", "price"];

using var kafka = EmbeddedKafkaCluster.Start(brokerCount: 1);
await using var stripe = await FakeStripeServer.StartAsync();
foreach (var resource in throughputResources)
{
    FakeStripeSeeder.Seed(stripe.Data, resource, objects);
}

Console.WriteLine($"Seeded {objects:N0} objects for each of {string.Join(", ", throughputResources)}; Kafka at {kafka.BootstrapServers}.");

// A warm-up pass (JIT, connections, topic metadata) that is not measured.
await RunAsync("warmup.", 1_000_000, [.. throughputResources.Take(2)]);

var (job, elapsed) = await RunAsync("bench.", 1_000_000, throughputResources);
var perSecond = job.Objects / elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"throughput: {job.Objects:N0} objects in {elapsed.TotalSeconds:F2} s = {perSecond:N0} objects/s ({job.State}; {stripe.Log.Count:N0} requests)"));

// Budget: enough pages to keep a 25 req/s budget busy for about budgetSeconds.
stripe.Log.Clear();
const double rate = 25;
var pages = (int)(rate * budgetSeconds);
string[] budgetResources = ["coupon", "plan", "setup_intent", "payout", "refund"];
foreach (var resource in budgetResources)
{
    FakeStripeSeeder.Seed(stripe.Data, resource, pages / budgetResources.Length * 100);
}

var (budgetJob, budgetElapsed) = await RunAsync("budget.", rate, budgetResources);
var requests = stripe.Log.Requests.OrderBy(r => r.At).ToList();
var span = (requests[^1].At - requests[0].At).TotalSeconds;
var achieved = (requests.Count - 1) / span;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"budget: {requests.Count} requests in {span:F2} s = {achieved:F2} req/s of {rate} = {achieved / rate:P1}; max in any 1 s window {stripe.Log.MaxInAnyWindow(TimeSpan.FromSeconds(1))} ({budgetJob.State}, {budgetJob.Objects:N0} objects, {budgetElapsed.TotalSeconds:F1} s)"));

return perSecond >= 20_000 && achieved / rate >= 0.95 ? 0 : 1;

Task<(SnapshotJob Job, TimeSpan Elapsed)> RunAsync(string prefix, double requestsPerSecond, string[] resources) =>
    WorkerRun.SnapshotAsync(kafka.BootstrapServers, stripe.ApiBase, prefix, requestsPerSecond, resources);

static async Task<int> ServeAsync(int objects)
{
    using var cluster = EmbeddedKafkaCluster.Start(brokerCount: 1);

    // The embedded cluster cannot create topics on request: the worker's checkpoint topic exists up front.
    cluster.CreateTopic(new StripeCdc.Snapshot.SnapshotOptions().CheckpointTopic, partitions: 1, replicationFactor: 1);
    await using var fake = await FakeStripeServer.StartAsync();
    FakeStripeSeeder.Seed(fake.Data, "customer", objects);
    foreach (var resource in FakeStripeSeeder.ListPaths.Keys.Where(r => r != "customer"))
    {
        FakeStripeSeeder.Seed(fake.Data, resource, objects);
    }

    FakeStripeSeeder.Seed(fake.Data, "payment_method", objects);
    fake.Faults.PageDelay = TimeSpan.FromMilliseconds(50);
    Console.WriteLine($"export ConnectionStrings__kafka={cluster.BootstrapServers}");
    Console.WriteLine($"export StripeCdc__Sources__default__StripeApiBase={fake.ApiBase}");
    Console.WriteLine("export StripeCdc__Sources__default__StripeApiKey=sk_test_local");
    Console.WriteLine($"Fake Stripe with {objects} objects per resource; stop with Ctrl+C or SIGTERM.");
    var stop = new TaskCompletionSource();
    using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
    using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);
    await stop.Task;
    Console.WriteLine("stopping");
    return 0;

    void Stop(System.Runtime.InteropServices.PosixSignalContext context)
    {
        context.Cancel = true;
        stop.TrySetResult();
    }
}

int ReadInt(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
