using System.Reflection;
using Microsoft.AspNetCore.Builder;
using StripeCdc.AppHost.Dashboard.Api;
using StripeCdc.AppHost.Dashboard.Otlp;
using StripeCdc.AppHost.Dashboard.Traces;
using StripeCdc.AppHost.Orchestration;

namespace StripeCdc.AppHost.Dashboard;

/// <summary>
/// The dashboard's routes: the UI, its JSON API, and the OTLP/HTTP receiver (on its own port, as
/// Aspire's dashboard has). Operations (flags, replay, snapshots) go to the services' admin APIs with
/// the run's admin token, which never leaves the AppHost.
/// </summary>
internal sealed class DashboardEndpoints(DashboardOptions options)
{
    private const string LoginCookie = "stripecdc_dashboard";

    public string DashboardUrl { get; set; } = "";

    public int OtlpPort { get; set; }

    public void Map(WebApplication app)
    {
        app.Use(RequireLoginAsync);

        app.MapPost("/v1/traces", ReceiveTracesAsync).RequireHost($"*:{OtlpPort}");
        app.MapPost("/v1/logs", AcceptOtlp).RequireHost($"*:{OtlpPort}");
        app.MapPost("/v1/metrics", AcceptOtlp).RequireHost($"*:{OtlpPort}");

        app.MapGet("/", () => Asset("index.html", "text/html; charset=utf-8"));
        app.MapGet("/app.js", () => Asset("app.js", "text/javascript; charset=utf-8"));
        app.MapGet("/app.css", () => Asset("app.css", "text/css; charset=utf-8"));

        var api = app.MapGroup("/api");
        api.MapGet("/resources", (ResourceNotificationService n) => n.All);
        api.MapGet("/resources/{name}/logs", (string name, long? after, ResourceLogStore logs) => logs.Read(name, after ?? 0));
        api.MapGet("/traces", (TraceStore traces) => traces.List());
        api.MapGet("/traces/{id}", (string id, TraceStore traces) => traces.Get(id));
        api.MapGet("/topics", (TopicBrowser topics) => topics.ListTopics());
        api.MapGet("/topics/{topic}/records", (string topic, int? limit, TopicBrowser topics) => topics.Latest(topic, Math.Clamp(limit ?? 20, 1, 200)));

        api.MapGet("/pipeline", (ServiceAdminClient admin, CancellationToken ct) =>
            admin.ForwardAsync("ingest", HttpMethod.Get, "/admin/pipeline", null, ct));
        api.MapPut("/pipeline/modules/{name}", (string name, HttpRequest request, ServiceAdminClient admin, CancellationToken ct) =>
            admin.ForwardAsync("ingest", HttpMethod.Put, $"/admin/pipeline/modules/{Uri.EscapeDataString(name)}", request, ct));
        api.MapPost("/dlq/replay", (HttpRequest request, ServiceAdminClient admin, CancellationToken ct) =>
            admin.ForwardAsync("ingest", HttpMethod.Post, "/admin/dlq/replay", request, ct));
        api.MapPost("/snapshots", (HttpRequest request, ServiceAdminClient admin, CancellationToken ct) =>
            admin.ForwardAsync("snapshot", HttpMethod.Post, "/snapshots", request, ct));
        api.MapGet("/snapshots/{id}", (string id, ServiceAdminClient admin, CancellationToken ct) =>
            admin.ForwardAsync("snapshot", HttpMethod.Get, $"/snapshots/{Uri.EscapeDataString(id)}", null, ct));
        api.MapPost("/reconciliations", (HttpRequest request, ServiceAdminClient admin, CancellationToken ct) =>
            admin.ForwardAsync("snapshot", HttpMethod.Post, "/reconciliations", request, ct));
    }

    private async Task RequireLoginAsync(HttpContext context, Func<Task> next)
    {
        var token = options.LoginToken;
        if (string.IsNullOrEmpty(token) || context.Connection.LocalPort == OtlpPort)
        {
            await next();
            return;
        }

        if (context.Request.Query.TryGetValue("t", out var offered) && Matches(offered.ToString(), token))
        {
            context.Response.Cookies.Append(LoginCookie, token, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict });
            context.Response.Redirect("/");
            return;
        }

        if (context.Request.Cookies.TryGetValue(LoginCookie, out var cookie) && Matches(cookie, token))
        {
            await next();
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        await context.Response.WriteAsync("Open the dashboard with the login link printed by the AppHost (…/?t=<token>).");
    }

    private async Task<IResult> ReceiveTracesAsync(HttpRequest request, TraceStore traces)
    {
        if (options.OtlpApiKey is { Length: > 0 } key && !Matches(request.Headers["x-otlp-api-key"].ToString(), key))
        {
            return Results.Unauthorized();
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        try
        {
            traces.Add(OtlpTraceDecoder.Decode(body.GetBuffer().AsSpan(0, (int)body.Length)));
        }
        catch (FormatException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest);
        }

        return Results.Bytes([], "application/x-protobuf");
    }

    private static IResult AcceptOtlp() => Results.Bytes([], "application/x-protobuf");

    private static bool Matches(string offered, string expected) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(offered), System.Text.Encoding.UTF8.GetBytes(expected));

    private static IResult Asset(string name, string contentType)
    {
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"StripeCdc.AppHost.Dashboard.wwwroot.{name}")
            ?? throw new InvalidOperationException($"The dashboard asset '{name}' is not embedded.");
        return Results.Stream(stream, contentType);
    }
}
