using StripeCdc.AppHost.Hosting;
using StripeCdc.AppHost.Orchestration;

namespace StripeCdc.AppHost.Testing;

internal static class DistributedApplicationTestingExtensions
{
    /// <summary>An <see cref="HttpClient"/> whose base address is the project's HTTP endpoint.</summary>
    public static HttpClient CreateHttpClient(this DistributedApplication app, string resource) =>
        new() { BaseAddress = new Uri(app.Orchestrator.Projects[resource].Url) };

    public static Task<string?> GetConnectionStringAsync(this DistributedApplication app, string resource) =>
        Task.FromResult(app.Services.GetRequiredService<IReadOnlyList<IResource>>()
            .OfType<IResourceWithConnectionString>()
            .FirstOrDefault(r => string.Equals(r.Name, resource, StringComparison.OrdinalIgnoreCase))?.ConnectionString);

    /// <summary>Waits for a resource to be Running and healthy (30 s by default, as Aspire's testing does).</summary>
    public static async Task WaitForResourceHealthyAsync(this DistributedApplication app, string resource, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellation.Token);
    }

    public static ResourceSnapshot Resource(this DistributedApplication app, string resource) =>
        app.ResourceNotifications.Find(resource) ?? throw new ArgumentException($"No resource named '{resource}'.", nameof(resource));
}
