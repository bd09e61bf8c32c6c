using System.Net;
using Microsoft.Extensions.Options;

namespace StripeCdc.StripeApi;

/// <summary>
/// Retries a 429 (Stripe.net does not) with backoff and jitter, honouring <c>Retry-After</c> and
/// <c>Stripe-Should-Retry</c>: <c>false</c> hands the 429 straight back. It sits outside the budget
/// handler, so every retry takes a slot too.
/// </summary>
internal sealed class RateLimitRetryHandler(IOptions<StripeApiOptions> options, TimeProvider time) : DelegatingHandler
{
    public const string ShouldRetryHeader = "Stripe-Should-Retry";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        for (var attempt = 0; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.TooManyRequests
                || attempt >= settings.MaxRateLimitRetries
                || ShouldRetry(response) == false)
            {
                return response;
            }

            var delay = RetryDelays.Backoff(attempt, settings.RetryBaseDelay, settings.RetryMaxDelay);
            if (response.Headers.RetryAfter?.Delta is { } retryAfter && retryAfter > delay)
            {
                delay = retryAfter;
            }

            response.Dispose();
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    public static bool? ShouldRetry(HttpResponseMessage response) =>
        response.Headers.TryGetValues(ShouldRetryHeader, out var values)
            ? string.Equals(values.FirstOrDefault(), "true", StringComparison.OrdinalIgnoreCase)
            : null;
}
