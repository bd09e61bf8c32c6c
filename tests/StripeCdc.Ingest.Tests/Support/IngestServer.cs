using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StripeCdc.Configuration;
using StripeCdc.Ingest.Hosting;
using StripeCdc.Testing;

namespace StripeCdc.Ingest.Tests.Support;

/// <summary>The real ingest service on Kestrel, 127.0.0.1 and a random port, against the test cluster.</summary>
internal sealed class IngestServer : IAsyncDisposable
{
    private static readonly string ContentRoot = Directory.CreateTempSubdirectory("stripecdc-ingest-root").FullName;

    private int _disposed;

    private IngestServer(WebApplication app, MemoryLoggerProvider logs)
    {
        App = app;
        Logs = logs;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }

    public MemoryLoggerProvider Logs { get; }

    public HttpClient Client { get; }

    /// <summary>Creates the topics the deployment writes to, then starts it.</summary>
    public static async Task<IngestServer> StartAsync(EmbeddedKafkaFixture kafka, Dictionary<string, string?> settings, LogLevel minimumLevel = LogLevel.Information)
    {
        var configuration = new Dictionary<string, string?>(settings)
        {
            ["ConnectionStrings:kafka"] = kafka.BootstrapServers,
        };
        foreach (var topic in EmbeddedKafkaStartup.Topics(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build()))
        {
            kafka.Cluster.CreateTopic(topic);
        }

        return await StartAsync(configuration, minimumLevel);
    }

    /// <summary>Starts the deployment as configured, without a Kafka cluster (another sink).</summary>
    public static async Task<IngestServer> StartAsync(Dictionary<string, string?> configuration, LogLevel minimumLevel = LogLevel.Information)
    {
        var logs = new MemoryLoggerProvider();
        var app = IngestApplication.Build(["--contentRoot", ContentRoot], builder =>
        {
            builder.Configuration.AddInMemoryCollection(configuration);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(minimumLevel);
            builder.Logging.AddProvider(logs);
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new IngestServer(app, logs);
    }

    public SourceCatalog Sources => App.Services.GetRequiredService<SourceCatalog>();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
