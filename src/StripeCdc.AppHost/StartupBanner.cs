using Microsoft.Extensions.Configuration;
using StripeCdc.AppHost.Hosting;

namespace StripeCdc.AppHost;

/// <summary>Prints where everything is once the ingest is healthy.</summary>
internal static class StartupBanner
{
    public static async Task PrintWhenReadyAsync(DistributedApplication app, IConfiguration configuration)
    {
        Console.WriteLine($"Dashboard: {app.Dashboard.DashboardUrl}{LoginSuffix(configuration)}");
        await app.ResourceNotifications.WaitForResourceHealthyAsync(StripeCdcStack.Ingest);
        var ingest = app.Orchestrator.Projects[StripeCdcStack.Ingest].Url;
        var webhook = $"{ingest}/webhooks/stripe?api_key={LocalApiKey.GetOrCreate(configuration)}";
        Console.WriteLine($"""

            StripeCdc is running.
              Dashboard:    {app.Dashboard.DashboardUrl}{LoginSuffix(configuration)}
              Webhook URL:  {webhook}
              Kafka:        {app.ResourceNotifications.Find(StripeCdcStack.Kafka)?.Endpoints.FirstOrDefault()}
              Forward test events with the Stripe CLI:
                stripe listen --forward-to "{webhook}"
            Press Ctrl+C to stop.

            """);
    }

    private static string LoginSuffix(IConfiguration configuration) =>
        configuration["Dashboard:LoginToken"] is { Length: > 0 } token ? $"/?t={token}" : "";
}
