using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace StripeCdc.FakeStripe;

/// <summary>Answers every request of the fake Stripe API (one catch-all handler, routed by path).</summary>
internal sealed class FakeStripeHandler(FakeStripeData data, TimeProvider time)
{
    private static readonly string[] CreatedOperators = ["gte", "gt", "lte", "lt"];
    // Stripe's equality filters, among them the parent ids some lists need (financial_account for Treasury, …)
    // and object=card|bank_account|source on a customer's sources.
    private static readonly HashSet<string> FilterNames = new(StringComparer.Ordinal)
    {
        "customer", "charge", "subscription", "type", "delivery_success", "object",
        "financial_account", "value_list", "card", "setup_intent", "payment_record", "account",
    };

    // The filters that select a parent's children (refunds of a charge, items of a subscription, …).
    private static readonly string[] ParentFilters = ["customer", "charge", "subscription"];

    public FakeStripeData Data { get; } = data;

    public FakeConnectedAccounts Accounts { get; } = new(data);

    public FakeRateLimits RateLimits { get; } = new();

    public FaultPlan Faults { get; } = new();

    public RequestLog Log { get; } = new();

    public FakeWebhookEndpoints WebhookEndpoints { get; } = new();

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var arrivedAt = time.GetUtcNow();
        var path = request.Path.Value ?? "/";
        var status = await AnswerAsync(context, path);
        Log.Add(new LoggedRequest(arrivedAt, request.Method, path, request.QueryString.Value ?? "", status) { StripeAccount = Nullify(request.Headers["Stripe-Account"]) });
    }

    private async Task<int> AnswerAsync(HttpContext context, string path)
    {
        var request = context.Request;
        context.Response.Headers["Request-Id"] = "req_" + Guid.NewGuid().ToString("N")[..14];
        if (!request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return await ErrorAsync(context, 401, "invalid_request_error", "You did not provide an API key.");
        }

        if (!RateLimits.TryAcquire(request.Headers.Authorization.ToString()["Bearer ".Length..], time.GetUtcNow()))
        {
            return await RateLimitedAsync(context);
        }

        // A connected account's requests see its own objects (SPEC §12); without the header, the platform's.
        var data = Data;
        if (Nullify(request.Headers["Stripe-Account"]) is { } account)
        {
            if (Accounts.Find(account) is not { } scoped)
            {
                return await ErrorAsync(context, 403, "invalid_request_error", $"The provided key does not have access to account '{account}' (or that account does not exist).", "account_invalid");
            }

            data = Faults.IgnoresStripeAccount(path, ParentFilters.Any(request.Query.ContainsKey)) ? Data : scoped;
        }

        if (Faults.Match(path) is { } fault)
        {
            if (fault.ShouldRetry is { } shouldRetry)
            {
                context.Response.Headers["Stripe-Should-Retry"] = shouldRetry ? "true" : "false";
            }

            if (fault.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            return fault.Status switch
            {
                429 => await RateLimitedAsync(context),
                >= 500 => await ErrorAsync(context, fault.Status, "api_error", "An unknown error occurred (injected)."),
                403 => await ErrorAsync(context, 403, "invalid_request_error", "The provided key does not have the required permissions for this endpoint."),
                404 => await ErrorAsync(context, 404, "invalid_request_error", "No such object (injected).", fault.Code),
                _ => await ErrorAsync(context, fault.Status, "invalid_request_error", "Injected failure."),
            };
        }

        if (path.StartsWith("/v1/webhook_endpoints", StringComparison.Ordinal))
        {
            return await WebhookEndpointAsync(context, path);
        }

        if (!HttpMethods.IsGet(request.Method))
        {
            return await ErrorAsync(context, 404, "invalid_request_error", $"Unrecognized request URL ({request.Method}: {path}).");
        }

        if (data.FindSingleton(path) is { } singleton)
        {
            return await WriteAsync(context, 200, singleton);
        }

        var lastSlash = path.LastIndexOf('/');
        var last = path[(lastSlash + 1)..];
        if (last.Contains('_', StringComparison.Ordinal) && data.Find(last) is { } item && !data.TryGetCollection(path, out _))
        {
            return await WriteAsync(context, 200, item.Json);
        }

        if (data.TryGetCollection(path, out var collection))
        {
            return await ListAsync(context, path, collection);
        }

        if (IsListPath(path) || IsNestedListOfExisting(data, path))
        {
            return await ListAsync(context, path, new FakeCollection());
        }

        // Stripe's answer for an id it does not have (deleted, or never there): code resource_missing, param id.
        return await ErrorAsync(context, 404, "invalid_request_error", $"No such object: '{last}'", "resource_missing");
    }

    /// <summary>
    /// A nested list of an object that exists (<c>/v1/customers/cus_…/tax_ids</c>): empty until something is added, as
    /// Stripe answers it; of an object that does not (deleted, or never there) Stripe answers 404, and so does the fake.
    /// </summary>
    private static bool IsNestedListOfExisting(FakeStripeData data, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments is ["v1", _, var parentId, _] && data.Find(parentId) is not null;
    }

    private static bool IsListPath(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return (segments.Length == 2 && segments[0] == "v1") || path.EndsWith("/lines", StringComparison.Ordinal) || path.EndsWith("/payment_methods", StringComparison.Ordinal);
    }

    private async Task<int> ListAsync(HttpContext context, string path, FakeCollection collection)
    {
        var query = context.Request.Query;
        var limit = query.TryGetValue("limit", out var limitText) && int.TryParse(limitText, CultureInfo.InvariantCulture, out var parsed) ? parsed : 10;
        if (limit is < 1 or > 100)
        {
            return await ErrorAsync(context, 400, "invalid_request_error", "Invalid integer: limit must be between 1 and 100.");
        }

        var filter = BuildFilter(query);
        IReadOnlyList<FakeObject> page;
        bool hasMore;
        try
        {
            (page, hasMore) = collection.List(filter, Nullify(query["starting_after"]), limit);
        }
        catch (KeyNotFoundException ex)
        {
            return await ErrorAsync(context, 400, "invalid_request_error", $"No such object: '{ex.Message}' (starting_after)");
        }

        if (Faults.PageDelay > TimeSpan.Zero)
        {
            await Task.Delay(Faults.PageDelay, time);
        }

        var buffer = new ArrayBufferWriter<byte>(page.Sum(p => p.Json.Length) + 128);
        buffer.Write("{\"object\":\"list\",\"data\":["u8);
        for (var i = 0; i < page.Count; i++)
        {
            if (i > 0)
            {
                buffer.Write(","u8);
            }

            buffer.Write(page[i].Json);
        }

        buffer.Write("],\"has_more\":"u8);
        buffer.Write(hasMore ? "true"u8 : "false"u8);
        buffer.Write(",\"url\":"u8);
        buffer.Write(JsonSerializer.SerializeToUtf8Bytes(path));
        buffer.Write("}"u8);
        return await WriteAsync(context, 200, buffer.WrittenMemory);
    }

    private static Func<FakeObject, bool> BuildFilter(IQueryCollection query)
    {
        var equals = query.Where(q => FilterNames.Contains(q.Key)).Select(q => (q.Key, Value: q.Value.ToString())).ToArray();
        var status = Nullify(query["status"]);
        var created = new List<(string Op, long Value)>();
        foreach (var op in CreatedOperators)
        {
            if (query.TryGetValue($"created[{op}]", out var text) && long.TryParse(text, CultureInfo.InvariantCulture, out var value))
            {
                created.Add((op, value));
            }
        }

        return item =>
        {
            foreach (var (key, value) in equals)
            {
                if (item.Attributes.TryGetValue(key, out var actual) && actual != value)
                {
                    return false;
                }
            }

            // Like Stripe: without status=all a subscription list leaves out cancelled ones.
            if (item.Attributes.TryGetValue("status", out var itemStatus)
                && (status is null ? itemStatus == "canceled" : status != "all" && status != itemStatus))
            {
                return false;
            }

            foreach (var (op, value) in created)
            {
                var keep = op switch
                {
                    "gte" => item.Created >= value,
                    "gt" => item.Created > value,
                    "lte" => item.Created <= value,
                    _ => item.Created < value,
                };
                if (!keep)
                {
                    return false;
                }
            }

            return true;
        };
    }

    private async Task<int> WebhookEndpointAsync(HttpContext context, string path)
    {
        var request = context.Request;
        var id = path.Length > "/v1/webhook_endpoints/".Length ? path["/v1/webhook_endpoints/".Length..] : null;
        if (id is null && HttpMethods.IsGet(request.Method))
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("object", "list");
                writer.WriteStartArray("data");
                foreach (var endpoint in WebhookEndpoints.All)
                {
                    endpoint.Write(writer, withSecret: false);
                }

                writer.WriteEndArray();
                writer.WriteBoolean("has_more", false);
                writer.WriteString("url", "/v1/webhook_endpoints");
                writer.WriteEndObject();
            }

            return await WriteAsync(context, 200, buffer.WrittenMemory);
        }

        if (id is null && HttpMethods.IsPost(request.Method))
        {
            var form = await request.ReadFormAsync();
            var url = form["url"].ToString();
            var events = ReadArray(form, "enabled_events");
            if (url.Length == 0 || events.Count == 0)
            {
                return await ErrorAsync(context, 400, "invalid_request_error", "Missing required param: url or enabled_events.");
            }

            var created = WebhookEndpoints.Create(url, events, Nullify(form["api_version"]), Nullify(form["description"]), time.GetUtcNow().ToUnixTimeSeconds());
            created.Connect = form["connect"] == "true";
            return await WriteEndpointAsync(context, created, withSecret: true);
        }

        var existing = id is null ? null : WebhookEndpoints.Find(id);
        if (existing is null)
        {
            return await ErrorAsync(context, 404, "invalid_request_error", $"No such webhook endpoint: '{id}'");
        }

        if (HttpMethods.IsGet(request.Method))
        {
            return await WriteEndpointAsync(context, existing, withSecret: false);
        }

        if (HttpMethods.IsDelete(request.Method))
        {
            WebhookEndpoints.Delete(existing.Id);
            return await WriteAsync(context, 200, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["id"] = existing.Id, ["object"] = "webhook_endpoint", ["deleted"] = true }));
        }

        var update = await request.ReadFormAsync();
        if (Nullify(update["url"]) is { } newUrl)
        {
            existing.Url = newUrl;
        }

        if (ReadArray(update, "enabled_events") is { Count: > 0 } newEvents)
        {
            existing.EnabledEvents = newEvents;
        }

        if (Nullify(update["disabled"]) is { } disabled)
        {
            existing.Disabled = disabled == "true";
        }

        if (Nullify(update["description"]) is { } description)
        {
            existing.Description = description;
        }

        return await WriteEndpointAsync(context, existing, withSecret: false);
    }

    private static List<string> ReadArray(IFormCollection form, string name) =>
        [.. form.Keys
            .Where(k => k == name || k.StartsWith(name + "[", StringComparison.Ordinal))
            .OrderBy(k => k.Length).ThenBy(k => k, StringComparer.Ordinal)
            .SelectMany(k => form[k].ToArray())
            .OfType<string>()];

    private static async Task<int> WriteEndpointAsync(HttpContext context, FakeWebhookEndpoints.Endpoint endpoint, bool withSecret)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            endpoint.Write(writer, withSecret);
        }

        return await WriteAsync(context, 200, buffer.WrittenMemory);
    }

    private static async Task<int> RateLimitedAsync(HttpContext context)
    {
        context.Response.Headers["Stripe-Rate-Limited-Reason"] = "global-rate";
        return await ErrorAsync(context, 429, "invalid_request_error", "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.", "rate_limit");
    }

    private static async Task<int> ErrorAsync(HttpContext context, int status, string type, string message, string? code = null)
    {
        var error = new Dictionary<string, string> { ["type"] = type, ["message"] = message };
        if (code is not null)
        {
            error["code"] = code;
        }

        return await WriteAsync(context, status, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["error"] = error }));
    }

    private static async Task<int> WriteAsync(HttpContext context, int status, ReadOnlyMemory<byte> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body);
        return status;
    }

    private static string? Nullify(StringValues value) => StringValues.IsNullOrEmpty(value) ? null : value.ToString();
}
