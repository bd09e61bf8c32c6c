using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StripeCdc.Configuration;
using StripeCdc.FakeStripe;
using StripeCdc.Ledger;
using StripeCdc.Pipeline;
using StripeCdc.Sinks;
using StripeCdc.Snapshot.Hosting;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Reconciliation;
using StripeCdc.Snapshot.Snapshots;
using StripeCdc.StripeApi;

namespace StripeCdc.Snapshot.Tests.Support;

/// <summary>
/// The snapshot worker's services, configured as the worker would be, against a fake Stripe and the
/// embedded Kafka (or a capturing sink). Every harness gets its own topic prefix and checkpoint folder.
/// </summary>
internal sealed class SnapshotHarness : IDisposable
{
    private readonly ServiceProvider _services;

    public SnapshotHarness(
        FakeStripeServer stripe,
        KafkaFixture? kafka,
        IEnumerable<(string Key, string? Value)>? settings = null,
        IEventLedger? ledger = null,
        IRecordSink? sink = null,
        string? checkpointFolder = null,
        string? topicPrefix = null,
        Action<IServiceCollection, IConfiguration>? configure = null)
    {
        TopicPrefix = topicPrefix ?? "t" + Guid.NewGuid().ToString("N")[..10] + ".";
        CheckpointFolder = checkpointFolder ?? Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"));
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:kafka"] = kafka?.BootstrapServers ?? "127.0.0.1:9",
            ["StripeCdc:Sources:default:ApiKey"] = "connector-key",
            ["StripeCdc:Sources:default:StripeApiKey"] = "sk_test_fake51Hn2kLwYp",
            ["StripeCdc:Sources:default:StripeApiBase"] = stripe.ApiBase,
            ["StripeCdc:Sources:default:TopicPrefix"] = TopicPrefix,
            ["StripeCdc:Sources:default:Resources"] = string.Join(",", SnapshotResource.All.Select(r => r.Name)),
            ["StripeCdc:Snapshot:RequestsPerSecond"] = "100000",
            ["StripeCdc:Snapshot:CheckpointFolder"] = CheckpointFolder,
            ["StripeCdc:Snapshot:CheckpointStore"] = "File",
            ["StripeCdc:Snapshot:RetryBaseDelay"] = "00:00:00.020",
            ["StripeCdc:Snapshot:RetryMaxDelay"] = "00:00:00.200",
            ["StripeCdc:Snapshot:ReconciliationLag"] = "00:01:00",
            ["StripeCdc:Kafka:Producer:Config:linger.ms"] = "1",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key.StartsWith("StripeCdc:", StringComparison.Ordinal) || key.StartsWith("ConnectionStrings:", StringComparison.Ordinal) ? key : $"StripeCdc:Sources:default:{key}"] = value;
        }

        Configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(Configuration);
        services.AddSnapshotWorker(Configuration, withKafkaSink: sink is null);
        if (sink is not null)
        {
            services.AddSingleton(sink);
        }

        if (ledger is not null)
        {
            services.AddSingleton(ledger);
        }

        services.TryAddSingleton<IHostApplicationLifetime, Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>();
        configure?.Invoke(services, Configuration);

        _services = services.BuildServiceProvider(validateScopes: true);
        _ = _services.GetRequiredService<IOptions<StripeCdcOptions>>().Value;
        _ = _services.GetRequiredService<IOptions<SnapshotOptions>>().Value;
    }

    public string TopicPrefix { get; }

    public string CheckpointFolder { get; }

    public IConfigurationRoot Configuration { get; }

    public IServiceProvider Services => _services;

    public SourceSettings Source => _services.GetRequiredService<SourceCatalog>().Get("default");

    public RecordPipeline Pipeline => _services.GetRequiredService<RecordPipeline>();

    public StripeApiClient Api => _services.GetRequiredService<StripeApiClients>().For(Source);

    public string Topic(string resource) => TopicPrefix + resource;

    public Task<SnapshotJob> SnapshotAsync(params string[] resources) => SnapshotAsync(prune: false, resources);

    /// <summary>A snapshot with <c>--prune</c> when <paramref name="prune"/> is true.</summary>
    public async Task<SnapshotJob> SnapshotAsync(bool prune, params string[] resources)
    {
        var job = new SnapshotJob("snap_test" + Guid.NewGuid().ToString("N")[..8], "default", resources, restart: false, TimeProvider.System, prune);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await _services.GetRequiredService<SnapshotRunner>().RunAsync(job, timeout.Token);
        return job;
    }

    public async Task<ReconciliationJob> ReconcileAsync(DateTimeOffset from, DateTimeOffset? to = null, bool onlyFailed = false)
    {
        var job = new ReconciliationJob("recon_test", "default", from, to, onlyFailed);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _services.GetRequiredService<Reconciler>().RunAsync(job, timeout.Token);
        return job;
    }

    /// <summary>Starts what a host would start (the Kafka event ledger, …).</summary>
    public async Task StartHostedServicesAsync()
    {
        foreach (var service in _services.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }
    }

    /// <summary>Starts the one hosted service of type <typeparamref name="T"/> (the tie re-reading, …).</summary>
    public Task StartHostedServiceAsync<T>()
        where T : IHostedService =>
        _services.GetServices<IHostedService>().OfType<T>().Single().StartAsync(CancellationToken.None);

    public async Task StopHostedServicesAsync()
    {
        foreach (var service in _services.GetServices<IHostedService>().Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    public void Dispose()
    {
        _services.Dispose();
        if (Directory.Exists(CheckpointFolder) && CheckpointFolder.StartsWith(Path.GetTempPath(), StringComparison.Ordinal))
        {
            Directory.Delete(CheckpointFolder, recursive: true);
        }
    }
}
