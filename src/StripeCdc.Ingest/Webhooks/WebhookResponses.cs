using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace StripeCdc.Ingest.Webhooks;

/// <summary>The endpoint's answers: small, fixed JSON bodies written without serialisation.</summary>
internal static class WebhookResponses
{
    private static readonly byte[] Received = """{"received":true}"""u8.ToArray();

    public static Task ReceivedAsync(HttpContext context) => WriteAsync(context, StatusCodes.Status200OK, Received);

    public static Task ErrorAsync(HttpContext context, int status, string message) =>
        WriteAsync(context, status, System.Text.Encoding.UTF8.GetBytes(
            "{\"error\":" + System.Text.Json.JsonSerializer.Serialize(message, WebhookJsonContext.Default.String) + "}"));

    public static Task UnavailableAsync(HttpContext context, TimeSpan retryAfter, string message)
    {
        context.Response.Headers[HeaderNames.RetryAfter] =
            Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, message);
    }

    private static Task WriteAsync(HttpContext context, int status, byte[] body)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, 0, body.Length);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class WebhookJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
