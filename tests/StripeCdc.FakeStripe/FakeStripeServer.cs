using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StripeCdc.FakeStripe;

/// <summary>
/// A fake Stripe REST API on Kestrel (127.0.0.1, random port) that the real Stripe.net client talks to
/// through <c>StripeApiBase</c>: list endpoints with cursor pagination, <c>/v1/events</c> with
/// <c>created</c> filters, retrieval by id, <c>/v1/webhook_endpoints</c>, injected faults and a log.
/// </summary>
public sealed class FakeStripeServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeStripeHandler _handler;

    private FakeStripeServer(WebApplication app, FakeStripeHandler handler, Uri baseAddress)
    {
        _app = app;
        _handler = handler;
        BaseAddress = baseAddress;
    }

    /// <summary><c>http://127.0.0.1:port</c>, the value for <c>StripeApiBase</c>.</summary>
    public Uri BaseAddress { get; }

    public string ApiBase => BaseAddress.ToString().TrimEnd('/');

    public FakeStripeData Data => _handler.Data;

    public FaultPlan Faults => _handler.Faults;

    /// <summary>The platform's connected accounts (SPEC §12): each its own data, seen with <c>Stripe-Account</c>.</summary>
    public FakeConnectedAccounts Accounts => _handler.Accounts;

    /// <summary>The per-API-key request rate, across every account of the key (off by default).</summary>
    public FakeRateLimits RateLimits => _handler.RateLimits;

    public RequestLog Log => _handler.Log;

    public FakeWebhookEndpoints WebhookEndpoints => _handler.WebhookEndpoints;

    public static async Task<FakeStripeServer> StartAsync(FakeStripeData? data = null, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var handler = new FakeStripeHandler(data ?? new FakeStripeData(), TimeProvider.System);
        builder.Services.AddSingleton(handler);
        var app = builder.Build();
        app.Run(handler.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeStripeServer(app, handler, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
