using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using StripeCdc.Correctness.Tests.Delivery;
using StripeCdc.EmbeddedKafka;

namespace StripeCdc.Correctness.Tests.Deployment;

/// <summary>
/// One deployment of the connector as production runs it: the webhook ingest and the snapshot /
/// reconciliation worker, each its own process, writing to one sink, reading the fake Stripe API with
/// the same source settings (<c>has_more</c> completion and tie revalidation need its key), as a Stripe
/// Connect platform's endpoint.
/// </summary>
internal sealed class SinkDeployment : IDisposable
{
    public const string Secret = "whsec_scenario_3kQ8mV2xP7rT";
    private const string AdminToken = "scenario-admin-token";
    private const string ApiKey = "scenario-connector-key";

    // Under the connect-header sabotage every account's backfill reads the platform's objects: minutes, not seconds.
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(5);
    private readonly Dictionary<string, string> _settings;
    private readonly Uri _ingestAddress = new($"http://127.0.0.1:{FreePort()}");
    private readonly Uri _workerAddress = new($"http://127.0.0.1:{FreePort()}");
    private readonly HttpClient _worker;
    private readonly Dictionary<string, string> _ingestOnly = [];
    private readonly HashSet<string> _notSnapshotted = new(StringComparer.Ordinal);
    private ServiceProcess? _ingestProcess;
    private ServiceProcess? _workerProcess;

    private SinkDeployment(string name, Dictionary<string, string> settings)
    {
        Name = name;
        _settings = settings;
        Endpoint = new WebhookEndpoint(name, new Uri(_ingestAddress, $"/webhooks/stripe?api_key={ApiKey}"), Secret);
        _worker = new HttpClient { BaseAddress = _workerAddress, Timeout = TimeSpan.FromSeconds(30) };
        _worker.DefaultRequestHeaders.Add("X-StripeCdc-Admin-Token", AdminToken);
    }

    public string Name { get; }

    public WebhookEndpoint Endpoint { get; }

    /// <summary>Topic names carry this prefix (Kafka); the Postgres deployment has a database of its own instead.</summary>
    public string TopicPrefix => _settings["StripeCdc:Sources:default:TopicPrefix"];

    /// <summary>Under <c>Routing=EventType</c>: subscriptions share <c>customer</c>, disputes <c>charge</c>; checkout sessions are <c>checkout</c>.</summary>
    public static IReadOnlyList<string> ParentTables { get; } = ["customer", "invoice", "charge", "product", "price", "credit_note", "checkout", "balance"];

    /// <summary>The snapshot's resources, as the catalogue names them.</summary>
    public static IReadOnlyList<string> SnapshotResources { get; } =
        ["customer", "subscription", "invoice", "charge", "product", "price", "dispute", "credit_note", "checkout.session", "balance"];

    /// <summary>The resources issue 18 added to the scenario (the <c>payment-snapshot</c> sabotage leaves them out of the snapshot).</summary>
    public static IReadOnlyList<string> PaymentResources { get; } = ["dispute", "credit_note", "checkout.session", "balance"];

    public static IReadOnlyList<string> ChildTables { get; } = ["invoice_lines", "charge_refunds", "subscription_items"];

    public static SinkDeployment ForKafka(EmbeddedKafkaCluster kafka, string stripeApiBase, string runId)
    {
        var prefix = $"sc{runId}.";
        var settings = Common(stripeApiBase, prefix);
        settings["ConnectionStrings:kafka"] = kafka.BootstrapServers;
        settings["StripeCdc:Ledger:Topic"] = prefix + "ledger";
        settings["StripeCdc:ModuleFlags:Topic"] = prefix + "flags";
        settings["StripeCdc:Kafka:Producer:Config:linger.ms"] = "1";
        foreach (var topic in ParentTables.Concat(ChildTables).Append("stripe_dlq").Append("unknown").Append("ledger"))
        {
            kafka.CreateTopic(prefix + topic, partitions: 6);
        }

        kafka.CreateTopic(prefix + "flags", partitions: 1);

        // Where the ingest leaves a new connected account's backfill request for the worker (ConnectBackfillNewAccounts).
        settings["StripeCdc:ConnectAccounts:Topic"] = prefix + "connect_accounts";
        kafka.CreateTopic(prefix + "connect_accounts", partitions: 1);
        return new SinkDeployment("kafka", settings);
    }

    /// <summary>No topic prefix: the database is the run's own, and the tables keep their plain names.</summary>
    public static SinkDeployment ForPostgres(string connectionString, string stripeApiBase)
    {
        var settings = Common(stripeApiBase, string.Empty);
        settings["StripeCdc:Sink"] = "Postgres";
        settings["ConnectionStrings:postgres"] = connectionString;
        return new SinkDeployment("postgres", settings);
    }

    /// <summary>Sabotage: the ingest cannot call Stripe, so it cannot complete a <c>has_more</c> list (nor revalidate a tie).</summary>
    public void RemoveStripeApiKeyFromIngest() => _ingestOnly["StripeCdc:Sources:default:StripeApiKey"] = string.Empty;

    /// <summary>Sabotage: the snapshot leaves these resources out.</summary>
    public void LeaveOutOfSnapshot(IEnumerable<string> resources) => _notSnapshotted.UnionWith(resources);

    public async Task StartAsync()
    {
        _ingestProcess = StartIngest();
        _workerProcess = ServiceProcess.Start("StripeCdc.Snapshot", _workerAddress, _settings);
        await Task.WhenAll(_ingestProcess.WaitHealthyAsync(TimeSpan.FromSeconds(60)), _workerProcess.WaitHealthyAsync(TimeSpan.FromSeconds(60)));
    }

    /// <summary>The outage: the ingest dies (SIGKILL), so deliveries fail until it is back.</summary>
    public void KillIngest() => _ingestProcess?.Kill();

    public async Task RestartIngestAsync()
    {
        _ingestProcess?.Dispose();
        _ingestProcess = StartIngest();
        await _ingestProcess.WaitHealthyAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Starts a snapshot of the scenario's resources — the platform's own, or with <paramref name="accounts"/>
    /// (<c>["all"]</c>) its connected accounts' — and returns its id. While another snapshot covers the same
    /// accounts (the worker's own backfill of accounts it saw first) it tries again.
    /// </summary>
    public async Task<string> StartSnapshotAsync(string[]? accounts = null)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        while (true)
        {
            using var response = await _worker.PostAsJsonAsync("/snapshots", new { resources = SnapshotResources.Where(r => !_notSnapshotted.Contains(r)).ToArray(), accounts });
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return body.GetProperty("id").GetString()!;
            }

            if (!body.ToString().Contains("already running", StringComparison.Ordinal) || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{Name}: the snapshot did not start: {body}");
            }

            await Task.Delay(200);
        }
    }

    public Task<JsonElement> WaitSnapshotAsync(string id) => WaitJobAsync($"/snapshots/{id}");

    /// <summary>Waits until a <c>--accounts all</c> snapshot has listed the platform's connected accounts.</summary>
    public async Task WaitAccountsListedAsync(string id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            var job = await _worker.GetFromJsonAsync<JsonElement>($"/snapshots/{id}");
            if (job.GetProperty("state").GetString() is "Completed" or "Failed" or "Cancelled"
                || (job.TryGetProperty("accounts", out var accounts) && accounts.ValueKind == JsonValueKind.Object && accounts.GetProperty("total").GetInt32() > 0))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name}: snapshot {id} did not list the connected accounts in 2 minutes.");
    }

    /// <summary>
    /// Waits until the snapshots the worker started by itself (not one of <paramref name="started"/>: new connected
    /// accounts' backfills, SPEC §12, <c>ConnectBackfillNewAccounts</c>) have ended and one of them, completed, read
    /// <paramref name="account"/>. Returns how many there were, their objects, and that account's backfill, or null
    /// when none read it in time (its objects from before it connected are then missing from the sink).
    /// </summary>
    public async Task<(int Backfills, long Objects, JsonElement? OfAccount)> WaitBackfillsAsync(IReadOnlyCollection<string> started, string account, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var jobs = await _worker.GetFromJsonAsync<JsonElement>("/snapshots");
            var backfills = jobs.EnumerateArray().Where(j => !started.Contains(j.GetProperty("id").GetString()!)).ToList();
            var ended = backfills.All(j => j.GetProperty("state").GetString() is not ("Pending" or "Running"));
            JsonElement? ofAccount = backfills.FirstOrDefault(j => j.GetProperty("state").GetString() == "Completed" && Requested(j).Contains(account));
            if ((ended && ofAccount is { ValueKind: JsonValueKind.Object }) || DateTime.UtcNow > deadline)
            {
                return (backfills.Count, backfills.Sum(j => j.GetProperty("objects").GetInt64()), ofAccount is { ValueKind: JsonValueKind.Object } ? ofAccount : null);
            }

            await Task.Delay(200);
        }

        static IEnumerable<string?> Requested(JsonElement job) =>
            job.TryGetProperty("accounts", out var accounts) && accounts.ValueKind == JsonValueKind.Object && accounts.TryGetProperty("requested", out var requested)
                ? requested.EnumerateArray().Select(a => a.GetString())
                : [];
    }

    /// <summary>Reconciles every event of the platform, or of one connected account, since <paramref name="from"/> and waits for the run to finish.</summary>
    public async Task<JsonElement> ReconcileAsync(DateTimeOffset from, string? account = null)
    {
        using var response = await _worker.PostAsJsonAsync("/reconciliations", new { from, account });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.StatusCode == HttpStatusCode.Accepted
            ? await WaitJobAsync($"/reconciliations/{body.GetProperty("id").GetString()}")
            : throw new InvalidOperationException($"{Name}: reconciliation did not start: {body}");
    }

    /// <summary>Writes both services' output (the last 2,000 lines each) beside the report.</summary>
    public void SaveLogs(string prefix)
    {
        File.WriteAllLines($"{prefix}-{Name}-ingest.log", _ingestProcess?.Output ?? []);
        File.WriteAllLines($"{prefix}-{Name}-worker.log", _workerProcess?.Output ?? []);
    }

    public string Logs() =>
        $"--- {Name} ingest ---{Environment.NewLine}{_ingestProcess?.Tail()}{Environment.NewLine}--- {Name} worker ---{Environment.NewLine}{_workerProcess?.Tail()}";

    public void Dispose()
    {
        _worker.Dispose();
        _ingestProcess?.Dispose();
        _workerProcess?.Dispose();
    }

    private ServiceProcess StartIngest() =>
        ServiceProcess.Start("StripeCdc.Ingest", _ingestAddress, _settings.Concat(_ingestOnly).GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Last().Value));

    private async Task<JsonElement> WaitJobAsync(string path)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var job = await _worker.GetFromJsonAsync<JsonElement>(path);
            var state = job.GetProperty("state").GetString();
            if (state is "Completed")
            {
                return job;
            }

            if (state is "Failed" or "Cancelled")
            {
                throw new InvalidOperationException($"{Name}: {path} ended {state}: {job}");
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name}: {path} did not finish in {JobTimeout.TotalMinutes} minutes.");
    }

    private static Dictionary<string, string> Common(string stripeApiBase, string topicPrefix) => new()
    {
        ["StripeCdc:Sources:default:ApiKey"] = ApiKey,
        ["StripeCdc:Sources:default:SigningSecrets"] = Secret,
        ["StripeCdc:Sources:default:TopicPrefix"] = topicPrefix,
        ["StripeCdc:Sources:default:Resources"] = string.Join(",", ParentTables),
        ["StripeCdc:Sources:default:FanOutFields"] = "invoice.lines,charge.refunds,subscription.items",
        ["StripeCdc:Sources:default:StripeApiKey"] = "sk_test_scenario51Hn2kLwYp",
        ["StripeCdc:Sources:default:StripeApiBase"] = stripeApiBase,

        // A Connect platform's endpoint (SPEC §12); an account first seen mid-run is backfilled by itself.
        ["StripeCdc:Sources:default:Connect"] = "true",
        ["StripeCdc:Sources:default:ConnectBackfillNewAccounts"] = "true",
        ["StripeCdc:Admin:Token"] = AdminToken,
        ["StripeCdc:Snapshot:CheckpointStore"] = "File",
        ["StripeCdc:Snapshot:CheckpointFolder"] = Path.Combine(Path.GetTempPath(), "stripecdc-scenario", Guid.NewGuid().ToString("N")),
        ["StripeCdc:Snapshot:ReconciliationLag"] = "00:00:02",
        ["StripeCdc:Reconciliation:Interval"] = "0",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
