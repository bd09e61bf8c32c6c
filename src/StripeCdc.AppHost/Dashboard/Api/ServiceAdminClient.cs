using System.Net.Http.Headers;
using StripeCdc.AppHost.Orchestration;

namespace StripeCdc.AppHost.Dashboard.Api;

/// <summary>
/// Calls a service's admin API on the dashboard's behalf, presenting the run's admin token; the
/// browser never sees the token.
/// </summary>
internal sealed class ServiceAdminClient(HttpClient http, Orchestrator orchestrator)
{
    public const string TokenHeader = "X-StripeCdc-Admin-Token";

    public async Task<IResult> ForwardAsync(string service, HttpMethod method, string path, HttpRequest? incoming, CancellationToken cancellationToken)
    {
        if (!orchestrator.Projects.TryGetValue(service, out var runner))
        {
            return Results.Problem($"No service named '{service}' runs in this stack.", statusCode: StatusCodes.Status404NotFound);
        }

        using var request = new HttpRequestMessage(method, new Uri(runner.Url + path));
        request.Headers.Add(TokenHeader, orchestrator.AdminToken);
        if (incoming is { ContentLength: > 0 } || incoming?.Headers.TransferEncoding.Count > 0)
        {
            using var body = new MemoryStream();
            await incoming.Body.CopyToAsync(body, cancellationToken);
            request.Content = new ByteArrayContent(body.ToArray());
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(incoming.ContentType ?? "application/json");
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var content = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return new ForwardedResponse((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), content);
        }
        catch (HttpRequestException ex)
        {
            return Results.Problem($"The {service} service did not answer: {ex.Message}", statusCode: StatusCodes.Status502BadGateway);
        }
    }
}

/// <summary>A service's answer passed on unchanged: status, content type and body.</summary>
internal sealed class ForwardedResponse(int statusCode, string? contentType, byte[] body) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = statusCode;
        httpContext.Response.ContentType = contentType ?? "application/json";
        return httpContext.Response.Body.WriteAsync(body).AsTask();
    }
}
