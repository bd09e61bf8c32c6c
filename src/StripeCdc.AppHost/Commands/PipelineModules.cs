using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StripeCdc.AppHost.Commands;

/// <summary>
/// The modules of a running service's pipeline, as its admin API lists them (<c>GET /admin/pipeline</c>: the modules
/// in order, the team modules it loaded included), for the dashboard's "Switch a module" choice.
/// </summary>
internal static class PipelineModules
{
    public const string Path = "/admin/pipeline";

    /// <summary>Fills the choice input with the service's modules; when the service does not answer, the choice stays empty and its log says why.</summary>
    public static InputLoadOptions LoadFrom(EndpointReference admin, LocalSecrets secrets) => new()
    {
        AlwaysLoadOnStart = true,
        LoadCallback = async context =>
        {
            try
            {
                var names = await ReadAsync(context.Services.GetRequiredService<IHttpClientFactory>(), admin, secrets, context.CancellationToken);
                context.Input.Options = [.. names.Select(name => KeyValuePair.Create(name, name))];
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or InvalidOperationException or TaskCanceledException)
            {
                context.Input.Options = [];
                context.Services.GetRequiredService<ResourceLoggerService>().GetLogger(admin.Resource)
                    .LogWarning("The dashboard could not list the pipeline's modules: {Reason}", ex.Message);
            }
        },
    };

    public static async Task<IReadOnlyList<string>> ReadAsync(IHttpClientFactory clients, EndpointReference admin, LocalSecrets secrets, CancellationToken cancellationToken)
    {
        using var client = clients.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(admin.Url), Path));
        request.Headers.Add(AdminApi.TokenHeader, secrets.AdminToken);
        using var response = await client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var pipeline = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return [.. pipeline.GetProperty("modules").EnumerateArray().Select(m => m.GetProperty("name").GetString()!)];
    }
}
