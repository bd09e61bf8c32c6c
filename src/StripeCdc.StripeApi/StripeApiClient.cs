using System.Globalization;
using System.Net;
using Stripe;
using StripeCdc.Configuration;

namespace StripeCdc.StripeApi;

/// <summary>
/// One source's Stripe API access: the Stripe.net client (its HttpClient runs every request through
/// the source's <see cref="RequestBudget"/>), raw JSON reads, and cursor pagination. A request that
/// still fails after Stripe.net's retries is retried here when the failure is transient (5xx, 409,
/// 429 without <c>Stripe-Should-Retry: false</c>, network).
/// </summary>
internal sealed class StripeApiClient(SourceSettings source, StripeClient client, RequestBudget budget, StripeApiOptions options, TimeProvider time)
{
    public SourceSettings Source { get; } = source;

    public StripeClient Client { get; } = client;

    public RequestBudget Budget { get; } = budget;

    public bool IsLive => StripeKeyMode.IsLive(Client.ApiKey);

    /// <summary>GETs a path with query parameters and returns the response body as UTF-8 JSON, byte for byte.</summary>
    public async Task<byte[]> GetAsync(string path, IEnumerable<KeyValuePair<string, string>> query, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                // The streaming call hands back the body's bytes: no UTF-16 string in between.
                var parameters = new BaseOptions();
                foreach (var (key, value) in query)
                {
                    parameters.AddExtraParam(key, value);
                }

                await using var body = await Client.RequestStreamingAsync(HttpMethod.Get, path, parameters, null, cancellationToken);
                using var buffer = new MemoryStream();
                await body.CopyToAsync(buffer, cancellationToken);
                return buffer.ToArray();
            }
            catch (StripeException ex) when (IsTransient(ex) && attempt < options.MaxTransientRetries)
            {
                await Task.Delay(RetryDelays.Backoff(attempt, options.RetryBaseDelay, options.RetryMaxDelay), time, cancellationToken);
            }
            catch (HttpRequestException) when (attempt < options.MaxTransientRetries)
            {
                await Task.Delay(RetryDelays.Backoff(attempt, options.RetryBaseDelay, options.RetryMaxDelay), time, cancellationToken);
            }
            catch (StripeException ex)
            {
                throw new StripeApiException(
                    $"Stripe answered {(int)ex.HttpStatusCode} to GET {path}: {ex.StripeError?.Message ?? ex.Message}",
                    (int)ex.HttpStatusCode,
                    ex);
            }
            catch (HttpRequestException ex)
            {
                throw new StripeApiException($"Stripe could not be reached for GET {path}: {ex.Message}", 0, ex);
            }
        }
    }

    /// <summary>One page of a list: <c>limit</c>, optional <c>starting_after</c> and the given filters.</summary>
    public async Task<StripeListPage> ListAsync(
        string path,
        IEnumerable<KeyValuePair<string, string>> query,
        string? startingAfter,
        CancellationToken cancellationToken)
    {
        var parameters = new List<KeyValuePair<string, string>> { new("limit", options.PageSize.ToString(CultureInfo.InvariantCulture)) };
        parameters.AddRange(query);
        if (startingAfter is not null)
        {
            parameters.Add(new("starting_after", startingAfter));
        }

        return StripeListPage.Parse(await GetAsync(path, parameters, cancellationToken));
    }

    /// <summary>Every element of a list after <paramref name="startingAfter"/>, page by page.</summary>
    public async IAsyncEnumerable<StripeListPage> ListAllAsync(
        string path,
        IEnumerable<KeyValuePair<string, string>> query,
        string? startingAfter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = startingAfter;
        while (true)
        {
            var page = await ListAsync(path, query, cursor, cancellationToken);
            yield return page;
            if (!page.HasMore || page.LastId is null)
            {
                yield break;
            }

            cursor = page.LastId;
        }
    }

    private static bool IsTransient(StripeException exception)
    {
        var status = (int)exception.HttpStatusCode;
        if (exception.HttpStatusCode == HttpStatusCode.TooManyRequests)
        {
            return !string.Equals(ShouldRetryHeader(exception), "false", StringComparison.OrdinalIgnoreCase);
        }

        return status is 0 or 409 or >= 500;
    }

    private static string? ShouldRetryHeader(StripeException exception) =>
        exception.StripeResponse?.Headers is { } headers && headers.TryGetValues(RateLimitRetryHandler.ShouldRetryHeader, out var values)
            ? values.FirstOrDefault()
            : null;
}
