using System.Globalization;
using System.Net;
using System.Text;
using Stripe;
using StripeCdc.Configuration;

namespace StripeCdc.Snapshot.StripeApi;

/// <summary>
/// One source's Stripe API access: the Stripe.net client (its HttpClient runs every request through
/// the source's <see cref="RequestBudget"/>), raw JSON reads, and cursor pagination. A request that
/// still fails after Stripe.net's retries is retried here when the failure is transient (5xx, 409,
/// 429 without <c>Stripe-Should-Retry: false</c>, network).
/// </summary>
internal sealed class StripeApiClient(SourceSettings source, StripeClient client, RequestBudget budget, SnapshotOptions options, TimeProvider time)
{
    public SourceSettings Source { get; } = source;

    public StripeClient Client { get; } = client;

    public RequestBudget Budget { get; } = budget;

    public bool IsLive => StripeKeyMode.IsLive(Client.ApiKey);

    /// <summary>GETs a path (with its query) and returns the response body as UTF-8 JSON.</summary>
    public async Task<byte[]> GetAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var response = await Client.RawRequestAsync(HttpMethod.Get, pathAndQuery, null, null, cancellationToken);
                return Encoding.UTF8.GetBytes(response.Content);
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
                    $"Stripe answered {(int)ex.HttpStatusCode} to GET {PathOnly(pathAndQuery)}: {ex.StripeError?.Message ?? ex.Message}",
                    (int)ex.HttpStatusCode,
                    ex);
            }
            catch (HttpRequestException ex)
            {
                throw new StripeApiException($"Stripe could not be reached for GET {PathOnly(pathAndQuery)}: {ex.Message}", 0, ex);
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
        var builder = new StringBuilder(path).Append("?limit=").Append(options.PageSize.ToString(CultureInfo.InvariantCulture));
        foreach (var (key, value) in query)
        {
            builder.Append('&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        if (startingAfter is not null)
        {
            builder.Append("&starting_after=").Append(Uri.EscapeDataString(startingAfter));
        }

        return StripeListPage.Parse(await GetAsync(builder.ToString(), cancellationToken));
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

    private static string PathOnly(string pathAndQuery)
    {
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? pathAndQuery : pathAndQuery[..query];
    }
}
