using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace StripeCdc.StripeApi;

/// <summary>
/// The one retry layer between Stripe.net and Stripe, run by a <see cref="ResilienceHandler"/> on the
/// HttpClient Stripe.net uses (whose own retries are off). Outermost first: retry (429, 5xx, 409,
/// network errors and attempt timeouts, exponential backoff with jitter, <c>Retry-After</c> honoured,
/// <c>Stripe-Should-Retry</c> obeyed either way), then the source's <see cref="RequestBudget"/> as a
/// rate limiter, then a timeout per attempt. A logical call thus makes at most
/// <c>1 + MaxRetries</c> requests, and every one of them takes a slot of the budget.
/// </summary>
internal static partial class StripeResiliencePipeline
{
    public const string ShouldRetryHeader = "Stripe-Should-Retry";

    public static ResiliencePipeline<HttpResponseMessage> Build(StripeApiOptions options, RequestBudget budget, TimeProvider time, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldRetryAfterHeader = true,
                ShouldHandle = static args => ValueTask.FromResult(IsTransient(args.Outcome)),
                OnRetry = args =>
                {
                    LogRetry(logger, Describe(args.Outcome), args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder
            .AddRateLimiter(budget)
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <summary>Stripe's own verdict (<c>Stripe-Should-Retry</c>) first, then what is transient by nature.</summary>
    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Exception is { } exception)
        {
            return exception is HttpRequestException or TimeoutRejectedException;
        }

        var response = outcome.Result!;
        if (ShouldRetry(response) is { } verdict)
        {
            return verdict;
        }

        return response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.Conflict || (int)response.StatusCode >= 500;
    }

    internal static bool? ShouldRetry(HttpResponseMessage response) =>
        response.Headers.TryGetValues(ShouldRetryHeader, out var values) && values.FirstOrDefault() is { } value
            ? string.Equals(value, "true", StringComparison.OrdinalIgnoreCase)
            : null;

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception ? exception.GetType().Name : ((int)outcome.Result!.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe API answered {Outcome}; retry {Attempt} in {Delay}.")]
    private static partial void LogRetry(ILogger logger, string outcome, int attempt, TimeSpan delay);
}
