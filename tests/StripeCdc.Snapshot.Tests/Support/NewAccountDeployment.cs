using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.FakeStripe;
using StripeCdc.Ledger;
using StripeCdc.Snapshot.Hosting;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests.Support;

/// <summary>
/// The real ingest (a child process) and the worker (in this process) of one Connect source with
/// <c>ConnectBackfillNewAccounts</c>, sharing <paramref name="settings"/>; the worker keeps file checkpoints.
/// </summary>
internal sealed class NewAccountDeployment(FakeStripeServer stripe, IReadOnlyDictionary<string, string> settings, bool inMemoryLedger) : IAsyncDisposable
{
    public const string Secret = "whsec_new_accounts_4Tq9Lm2Xc7";
    private const string ApiKey = "new-accounts-key";

    private readonly string _checkpoints = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"));
    private readonly string _ingestUrl = $"http://127.0.0.1:{FreePort()}";
    private WorkerProcess? _ingest;
    private HttpClient? _ingestClient;

    public WebApplication? Worker { get; private set; }

    public IReadOnlyList<SnapshotJob> Jobs => [.. Worker!.Services.GetRequiredService<JobRegistry>().Snapshots];

    public string IngestOutput => _ingest?.Output ?? "";

    public static Dictionary<string, string> Settings(bool backfillNewAccounts = true) => new()
    {
        ["StripeCdc:Sources:default:Connect"] = "true",
        ["StripeCdc:Sources:default:ConnectBackfillNewAccounts"] = backfillNewAccounts ? "true" : "false",
        ["StripeCdc:Sources:default:Resources"] = "customer",

        // Only customers are snapshotted then (under EventType routing, tax ids would come along, and the fake
        // Stripe has none per account).
        ["StripeCdc:Sources:default:Routing"] = "ObjectType",
    };

    public async Task StartAsync()
    {
        var environment = settings.ToDictionary(e => e.Key.Replace(":", "__", StringComparison.Ordinal), e => e.Value);
        environment["StripeCdc__Sources__default__ApiKey"] = ApiKey;
        environment["StripeCdc__Sources__default__SigningSecrets"] = Secret;
        environment["STRIPECDC_SECRETS_FILE"] = Path.Combine(Path.GetTempPath(), "stripecdc-none", Guid.NewGuid().ToString("N") + ".json");
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["Logging__LogLevel__Default"] = "Information";
        _ingest = WorkerProcess.Start(["--urls", _ingestUrl], environment, WorkerProcess.BuiltService("src/StripeCdc.Ingest", "StripeCdc.Ingest"));
        _ingestClient = new HttpClient { BaseAddress = new Uri(_ingestUrl), Timeout = TimeSpan.FromSeconds(30) };
        await StartWorkerAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await IsUpAsync())
        {
            Assert.True(DateTime.UtcNow < deadline && !_ingest.HasExited, "the ingest did not come up: " + _ingest.Output);
            await Task.Delay(100);
        }
    }

    public async Task StartWorkerAsync()
    {
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            "--StripeCdc:Sources:default:StripeApiKey=sk_test_newaccounts",
            $"--StripeCdc:Sources:default:StripeApiBase={stripe.ApiBase}",
            "--StripeCdc:Snapshot:RequestsPerSecond=10000",
            $"--StripeCdc:Snapshot:CheckpointFolder={_checkpoints}",
            "--StripeCdc:Snapshot:CheckpointStore=File",
            "--StripeCdc:Reconciliation:Interval=0",
            "--Logging:LogLevel:Default=Warning",
            .. settings.Select(e => $"--{e.Key}={e.Value}"),
        ];
        Worker = WorkerApp.Build(args, services =>
        {
            if (inMemoryLedger)
            {
                services.AddSingleton<IEventLedger>(new InMemoryEventLedger());
            }
        });
        await Worker.StartAsync();
    }

    public async Task StopWorkerAsync()
    {
        await Worker!.StopAsync();
        await Worker.DisposeAsync();
        Worker = null;
    }

    /// <summary>Delivers a signed event to the ingest; it must be acknowledged.</summary>
    public async Task DeliverAsync(string payload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/stripe?api_key={ApiKey}") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", Stripe.EventUtility.GenerateSignatureHeader(payload, Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        using var response = await _ingestClient!.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"the ingest answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Waits until every job the worker has ended (up to 60 s).</summary>
    public async Task WaitJobsDoneAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Jobs.Any(j => j.State is JobState.Pending or JobState.Running))
        {
            Assert.True(DateTime.UtcNow < deadline, "the backfills did not finish");
            await Task.Delay(100);
        }
    }

    public static string CustomerEvent(string id, string account, string customer) =>
        StripeObjects.Event("customer.updated", StripeObjects.Customer(customer, "live@example.com"), id: id, created: DateTimeOffset.UtcNow.ToUnixTimeSeconds(), account: account);

    public static string AuthorizedEvent(string id, string account) =>
        StripeObjects.Event("account.application.authorized", """{"id":"ca_1NewAccounts","object":"application","name":"Platform"}""", id: id, created: DateTimeOffset.UtcNow.ToUnixTimeSeconds(), account: account);

    public async ValueTask DisposeAsync()
    {
        if (Worker is not null)
        {
            await StopWorkerAsync();
        }

        _ingestClient?.Dispose();
        _ingest?.Dispose();
    }

    private async Task<bool> IsUpAsync()
    {
        try
        {
            using var alive = await _ingestClient!.GetAsync(new Uri("/alive", UriKind.Relative));
            return alive.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
