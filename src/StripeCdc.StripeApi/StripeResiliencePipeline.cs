using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;
using StripeCdc.StripeApi.Fairness;

namespace StripeCdc.StripeApi;

/// <summary>
/// The one retry layer between Stripe.net and Stripe, run by a <see cref="ResilienceHandler"/> on the
/// HttpClient Stripe.net uses (whose own retries are off). Outermost first: retry (429, 5xx, 409,
/// network errors and attempt timeouts, exponential backoff with jitter, <c>Retry-After</c> honoured,
/// <c>Stripe-Should-Retry</c> obeyed either way), then the source's <see cref="RequestBudget"/> as a
/// rate limiter (its <see cref="FairRequestScheduler"/>: interactive calls first, accounts in turn), then a timeout per attempt. A logical call thus makes at most
/// <c>1 + MaxRetries</c> requests, and every one of them takes a slot of the budget.
/// </summary>
internal static partial class StripeResiliencePipeline
{
    public const string ShouldRetryHeader = "Stripe-Should-Retry";

    public const string StripeAccountHeader = "Stripe-Account";

    public static ResiliencePipeline<HttpResponseMessage> Build(StripeApiOptions options, FairRequestScheduler budget, TimeProvider time, ILogger logger)
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
            .AddRateLimiter(new RateLimiterStrategyOptions
            {
                RateLimiter = async args =>
                {
                    await budget.AcquireAsync(AccountOf(args.Context), StripeRequestClass.Current, args.Context.CancellationToken);
                    return GrantedLease.Instance;
                },
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <summary>The connected account a request is made for (its <c>Stripe-Account</c> header); <c>""</c> for the platform.</summary>
    internal static string AccountOf(ResilienceContext context) =>
        context.GetRequestMessage() is { } request
        && request.Headers.TryGetValues(StripeAccountHeader, out var values)
        && values.FirstOrDefault() is { Length: > 0 } account
            ? account
            : string.Empty;

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

    private sealed class GrantedLease : System.Threading.RateLimiting.RateLimitLease
    {
        public static readonly GrantedLease Instance = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe API answered {Outcome}; retry {Attempt} in {Delay}.")]
    private static partial void LogRetry(ILogger logger, string outcome, int attempt, TimeSpan delay);
}
