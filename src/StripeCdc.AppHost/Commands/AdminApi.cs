using System.Net.Http.Json;
using System.Text.Json;

namespace StripeCdc.AppHost.Commands;

/// <summary>
/// How resource commands talk to the services' admin APIs: the run's admin token in the request header (it
/// stays in the AppHost; the dashboard only sees the command), and the service's answer as the command's result.
/// </summary>
internal static class AdminApi
{
    public const string TokenHeader = "X-StripeCdc-Admin-Token";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static HttpCommandOptions Options(
        LocalSecrets secrets, string description, Func<HttpCommandRequestContext, object?>? body = null, IReadOnlyList<InteractionInput>? arguments = null)
    {
        var options = new HttpCommandOptions
        {
            Method = HttpMethod.Post,
            Description = description,
            PrepareRequest = context =>
            {
                context.Request.Headers.Add(TokenHeader, secrets.AdminToken);
                if (body?.Invoke(context) is { } content)
                {
                    context.Request.Content = JsonContent.Create(content);
                }

                return Task.CompletedTask;
            },
            GetCommandResult = ResultAsync,
        };
        if (arguments is not null)
        {
            options.Arguments = arguments;
        }

        return options;
    }

    private static async Task<ExecuteCommandResult> ResultAsync(HttpCommandResultContext context)
    {
        var text = await context.Response.Content.ReadAsStringAsync(context.CancellationToken);
        if (!context.Response.IsSuccessStatusCode)
        {
            return CommandResults.Failure($"{context.ResourceName} answered {(int)context.Response.StatusCode}: {Summary(text)}");
        }

        return CommandResults.Success($"{context.ResourceName} answered {(int)context.Response.StatusCode}.", Pretty(text), CommandResultFormat.Json);
    }

    private static string Pretty(string json)
    {
        try
        {
            return JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement, Indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static string Summary(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
