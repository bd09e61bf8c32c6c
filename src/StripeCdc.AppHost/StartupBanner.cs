using Microsoft.Extensions.Configuration;
using StripeCdc.AppHost.Postgres;

namespace StripeCdc.AppHost;

/// <summary>Prints where everything is once the ingest is healthy: the webhook URL and the Stripe CLI line.</summary>
internal static class StartupBanner
{
    public static void PrintWhenReady(
        IDistributedApplicationBuilder builder,
        IResourceBuilder<ProjectResource> ingest,
        IResourceBuilder<IResourceWithConnectionString> kafka,
        IResourceBuilder<IResourceWithConnectionString>? postgres,
        LocalSecrets secrets)
    {
        builder.Eventing.Subscribe<ResourceReadyEvent>(ingest.Resource, async (_, cancellationToken) =>
        {
            var webhook = $"{ingest.GetEndpoint("http").Url}/webhooks/stripe?api_key={secrets.WebhookApiKey}";
            var bootstrap = await kafka.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
            // Only the local server's: an external connection string may hold a password.
            var tables = postgres?.Resource is PostgresServerResource local
                ? $"\n  State tables: psql \"host=127.0.0.1 port={local.Endpoint.Port} user=postgres\" (schema stripe)"
                : string.Empty;
            Console.WriteLine($"""

                StripeCdc is running.
                  Dashboard:    {DashboardUrl(builder.Configuration)}
                  Webhook URL:  {webhook}
                  Kafka:        {bootstrap}{tables}
                  Forward test events with the Stripe CLI:
                    stripe listen --forward-to "{webhook}"
                Press Ctrl+C to stop.

                """);
        });
    }

    private static string DashboardUrl(IConfiguration configuration) =>
        configuration["ASPNETCORE_URLS"]?.Split(';')[0] ?? "(see the log above)";
}
