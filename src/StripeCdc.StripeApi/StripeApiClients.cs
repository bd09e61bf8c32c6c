using System.Collections.Concurrent;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Stripe;
using StripeCdc.Configuration;

namespace StripeCdc.StripeApi;

/// <summary>
/// One <see cref="StripeApiClient"/> per source, made on first use. Each source is one Stripe account,
/// so each gets one request budget, shared by everything in this process that calls that account.
/// </summary>
internal sealed class StripeApiClients(IOptions<StripeApiOptions> options, TimeProvider time, ILoggerFactory? loggers = null) : IDisposable
{
    private readonly ILogger _logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger("StripeCdc.StripeApi");
    private readonly ConcurrentDictionary<string, Lazy<StripeApiClient>> _clients = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentBag<HttpClient> _httpClients = [];

    public static bool CanCall(SourceSettings source) => !string.IsNullOrWhiteSpace(source.Options.StripeApiKey);

    public StripeApiClient For(SourceSettings source) =>
        _clients.GetOrAdd(source.Name, _ => new Lazy<StripeApiClient>(() => Create(source))).Value;

    public void Dispose()
    {
        foreach (var client in _httpClients)
        {
            client.Dispose();
        }

        foreach (var api in _clients.Values.Where(c => c.IsValueCreated))
        {
            api.Value.Budget.Dispose();
        }
    }

    private StripeApiClient Create(SourceSettings source)
    {
        var apiKey = source.Options.StripeApiKey;
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            throw new InvalidOperationException(
                $"Source '{source.Name}' has no StripeApiKey (StripeCdc:Sources:{source.Name}:StripeApiKey); it cannot call the Stripe API.");
        }

        var settings = options.Value;
        var budget = new RequestBudget(StripeKeyMode.DefaultRate(apiKey, settings), settings.Burst, time);
        var sockets = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 64,
        };
        var handler = new ResilienceHandler(StripeResiliencePipeline.Build(settings, budget, time, _logger)) { InnerHandler = sockets };

        // Attempts have their own timeout in the pipeline; an overall one would cut retries short.
        var httpClient = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _httpClients.Add(httpClient);

        var clientOptions = new StripeClientOptions
        {
            ApiKey = apiKey,
            HttpClient = new SystemNetHttpClient(httpClient, maxNetworkRetries: 0, appInfo: null, enableTelemetry: false),
        };
        if (!string.IsNullOrWhiteSpace(source.Options.StripeApiBase))
        {
            clientOptions.ApiBase = source.Options.StripeApiBase.TrimEnd('/');
        }

        return new StripeApiClient(source, new StripeClient(clientOptions), budget, settings);
    }
}
