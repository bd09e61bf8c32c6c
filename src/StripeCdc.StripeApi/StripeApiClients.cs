using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
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

    public static bool CanCall(SourceSettings source) => !string.IsNullOrWhiteSpace(source.Options.StripeApiKey);

    public StripeApiClient For(SourceSettings source) =>
        _clients.GetOrAdd(source.Name, _ => new Lazy<StripeApiClient>(() => Create(source))).Value;

    public void Dispose()
    {
        foreach (var api in _clients.Values.Where(c => c.IsValueCreated))
        {
            api.Value.Dispose();
        }
    }

    private StripeApiClient Create(SourceSettings source) => StripeApiClient.Create(
        source,
        options.Value,
        time,
        _logger,
        new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 64,
        });
}
