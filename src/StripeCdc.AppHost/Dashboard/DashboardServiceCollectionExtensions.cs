using Microsoft.Extensions.DependencyInjection;
using StripeCdc.AppHost.Dashboard.Api;
using StripeCdc.AppHost.Dashboard.Traces;

namespace StripeCdc.AppHost.Dashboard;

internal static class DashboardServiceCollectionExtensions
{
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton<TraceStore>();
        services.AddSingleton<DashboardEndpoints>();
        services.AddSingleton<TopicBrowser>();
        services.AddHttpClient<ServiceAdminClient>(client => client.Timeout = TimeSpan.FromSeconds(30));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase);
        return services;
    }
}
