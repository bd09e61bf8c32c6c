using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Configuration;

namespace StripeCdc.Ingest.Webhooks;

internal static class WebhookRouteExtensions
{
    public const string Route = "/webhooks/stripe";

    /// <summary>Maps <c>POST /webhooks/stripe/{source}</c> and <c>POST /webhooks/stripe</c> (the <c>default</c> source).</summary>
    public static IEndpointRouteBuilder MapStripeWebhooks(this IEndpointRouteBuilder endpoints)
    {
        // Resolved on first use, after start-up validated the options.
        var endpoint = new Lazy<WebhookEndpoint>(endpoints.ServiceProvider.GetRequiredService<WebhookEndpoint>);
        endpoints.MapPost(Route + "/{source}", context =>
            endpoint.Value.HandleAsync(context, context.Request.RouteValues["source"] as string ?? ""))
            .WithName("StripeWebhook");
        endpoints.MapPost(Route, context => endpoint.Value.HandleAsync(context, SourceCatalog.DefaultSourceName))
            .WithName("StripeWebhookDefault");
        return endpoints;
    }
}
