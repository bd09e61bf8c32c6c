using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeCdc.Configuration;
using StripeCdc.Events;
using StripeCdc.Ingest.Hosting;
using StripeCdc.Ingest.Security;
using StripeCdc.Pipeline;
using StripeCdc.Sinks;
using StripeCdc.Telemetry;

namespace StripeCdc.Ingest.Webhooks;

/// <summary>
/// <c>POST /webhooks/stripe/{source}?api_key=…</c>: the checks of SPEC §2 in their order, then the
/// record pipeline; the answer is 2xx only once Kafka acknowledged every record of the event.
/// </summary>
internal sealed partial class WebhookEndpoint(
    SourceCatalog sources,
    SourceApiKeys apiKeys,
    RecordPipeline pipeline,
    InFlightLimiter limiter,
    BodyBudget bodyBudget,
    StripeCdcMetrics metrics,
    TimeProvider time,
    IOptions<IngestOptions> options,
    ILogger<WebhookEndpoint> logger)
{
    private readonly IngestOptions _options = options.Value;

    public async Task HandleAsync(HttpContext http, string sourceName)
    {
        var started = Stopwatch.GetTimestamp();
        var source = sources.Find(sourceName);
        if (source is null)
        {
            await WebhookResponses.ErrorAsync(http, StatusCodes.Status404NotFound, "Unknown source.");
            return;
        }

        var request = http.Request;
        if (!apiKeys.Matches(source.Name, request.Query["api_key"].ToString()))
        {
            Count(source, OutcomeNames.Unauthorized, started);
            await WebhookResponses.ErrorAsync(http, StatusCodes.Status401Unauthorized, "Missing or wrong api_key.");
            return;
        }

        if (HeaderBytes(request.Headers) > _options.MaxHeaderBytes)
        {
            Count(source, OutcomeNames.HeadersTooLarge, started);
            await WebhookResponses.ErrorAsync(http, StatusCodes.Status431RequestHeaderFieldsTooLarge, "Request headers are too large.");
            return;
        }

        var body = await ReadBodyAsync(http, source, started);
        if (body is null)
        {
            return;
        }

        using (body)
        {
            // Taken once the body is in: a slow sender holds buffer budget, never one of the event slots.
            if (!limiter.TryEnter())
            {
                Count(source, OutcomeNames.Overloaded, started);
                await WebhookResponses.UnavailableAsync(http, TimeSpan.FromSeconds(1), "Too many events in flight.");
                return;
            }

            try
            {
                await HandleEventAsync(http, source, body, started);
            }
            finally
            {
                limiter.Exit();
            }
        }
    }

    /// <summary>The size of the request's headers as sent: name, ": ", value and CRLF per line.</summary>
    internal static long HeaderBytes(IHeaderDictionary headers)
    {
        long total = 0;
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                total += name.Length + 4 + (value?.Length ?? 0);
            }
        }

        return total;
    }

    /// <summary>The body, or null once the request has been answered (too large, over the buffer budget, broken off).</summary>
    private async Task<RequestBody?> ReadBodyAsync(HttpContext http, SourceSettings source, long started)
    {
        // The endpoint enforces its own body limit (SPEC: 50 MB → 413) instead of Kestrel's default.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = null;
        }

        RequestBody? body;
        BodyReadFailure failure;
        try
        {
            (body, failure) = await RequestBody.ReadAsync(http.Request.BodyReader, http.Request.ContentLength, _options.MaxBodyBytes, bodyBudget, http.RequestAborted);
        }
        catch (Exception ex) when (ex is BadHttpRequestException or IOException or OperationCanceledException)
        {
            // The client broke off or sent a broken body; there is no event to answer for.
            LogBodyUnreadable(source.Name, ex.GetType().Name);
            http.Response.StatusCode = ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
            return null;
        }

        if (failure == BodyReadFailure.TooLarge)
        {
            Count(source, OutcomeNames.BodyTooLarge, started);
            await WebhookResponses.ErrorAsync(http, StatusCodes.Status413PayloadTooLarge, "The body is larger than the limit.");
        }
        else if (failure == BodyReadFailure.OverBudget)
        {
            Count(source, OutcomeNames.Overloaded, started);
            await WebhookResponses.UnavailableAsync(http, _options.RetryAfter, "Too many request bytes buffered; retry later.");
        }

        return body;
    }

    private async Task HandleEventAsync(HttpContext http, SourceSettings source, RequestBody body, long started)
    {
        using (var deadline = new CancellationTokenSource(_options.CommitDeadline, time))
        {
            var context = new RecordContext(source, body.Memory, http.Request.Headers["Stripe-Signature"].ToString() is { Length: > 0 } s ? s : null, time.GetUtcNow())
            {
                CancellationToken = deadline.Token,
            };

            try
            {
                await pipeline.ProcessAsync(context);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SinkException)
            {
                Count(source, OutcomeNames.NotCommitted, started, context);
                LogNotCommitted(source.Name, ex is OperationCanceledException ? "deadline passed" : ex.Message);
                await WebhookResponses.UnavailableAsync(http, _options.RetryAfter, "The event could not be committed to the sink in time; retry later.");
                return;
            }
            catch (MalformedEventException ex)
            {
                // Only reachable with the DeadLetter module switched off.
                Count(source, OutcomeNames.Rejected, started, context);
                await WebhookResponses.ErrorAsync(http, StatusCodes.Status400BadRequest, ex.Message);
                return;
            }

            Count(source, OutcomeNames.Of(context.Outcome), started, context);
            var status = StatusFor(context);
            if (status == StatusCodes.Status200OK)
            {
                await WebhookResponses.ReceivedAsync(http);
            }
            else
            {
                await WebhookResponses.ErrorAsync(http, status, context.Rejection?.Message ?? "The event could not be processed.");
            }
        }
    }

    /// <summary>SPEC §2: client errors are 400 whatever the DLQ did; other rejections are 200 once dead-lettered, else 500.</summary>
    internal static int StatusFor(RecordContext context) => context.Outcome switch
    {
        PipelineOutcome.Produced or PipelineOutcome.Skipped => StatusCodes.Status200OK,
        PipelineOutcome.DeadLettered or PipelineOutcome.Rejected when context.Rejection?.Reason is
            DeadLetterReason.Signature or DeadLetterReason.Malformed or DeadLetterReason.ThinEvent => StatusCodes.Status400BadRequest,
        PipelineOutcome.DeadLettered => StatusCodes.Status200OK,
        _ => StatusCodes.Status500InternalServerError,
    };

    private void Count(SourceSettings source, string outcome, long started, RecordContext? context = null) =>
        metrics.EventHandled(source.Name, outcome, Stopwatch.GetElapsedTime(started), AccountKindOf(source, context));

    /// <summary>Whose event it was, as a bounded label; a Connect source's request whose event was never read is of an unknown account.</summary>
    private static string AccountKindOf(SourceSettings source, RecordContext? context) =>
        !source.Options.Connect ? AccountKind.Platform
        : context is { IsEventParsed: true } ? AccountKind.Of(context.ConnectedAccount)
        : AccountKind.Unknown;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source '{Source}': an event was not committed ({Reason}); answered 503 so Stripe redelivers it.")]
    private partial void LogNotCommitted(string source, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Source '{Source}': the request body could not be read ({Error}).")]
    private partial void LogBodyUnreadable(string source, string error);
}
