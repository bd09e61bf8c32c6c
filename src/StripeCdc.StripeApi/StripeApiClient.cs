using System.Globalization;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly.Timeout;
using Stripe;
using StripeCdc.Configuration;
using StripeCdc.StripeApi.Fairness;

namespace StripeCdc.StripeApi;

/// <summary>
/// One source's Stripe API access: the Stripe.net client (its HttpClient runs every request through
/// <see cref="StripeResiliencePipeline"/>: retries and the source's <see cref="RequestBudget"/>), raw
/// JSON reads, and cursor pagination.
/// </summary>
internal sealed class StripeApiClient(SourceSettings source, StripeClient client, RequestBudget budget, FairRequestScheduler scheduler, StripeApiOptions options, HttpClient httpClient) : IDisposable
{
    public SourceSettings Source { get; } = source;

    public StripeClient Client { get; } = client;

    public RequestBudget Budget { get; } = budget;

    /// <summary>Who gets the budget's next slot: interactive calls first, accounts in turn (SPEC §12).</summary>
    public FairRequestScheduler Scheduler { get; } = scheduler;

    public bool IsLive => StripeKeyMode.IsLive(Client.ApiKey);

    /// <summary>
    /// The source's client: Stripe.net (its own retries off) over an HttpClient whose
    /// <see cref="ResilienceHandler"/> runs <see cref="StripeResiliencePipeline"/> in front of
    /// <paramref name="primaryHandler"/> (the sockets handler; a test may put a recorder in front of it).
    /// </summary>
    public static StripeApiClient Create(SourceSettings source, StripeApiOptions options, TimeProvider time, ILogger logger, HttpMessageHandler primaryHandler)
    {
        var apiKey = source.Options.StripeApiKey;
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            throw new InvalidOperationException(
                $"Source '{source.Name}' has no StripeApiKey (StripeCdc:Sources:{source.Name}:StripeApiKey); it cannot call the Stripe API.");
        }

        var budget = new RequestBudget(StripeKeyMode.DefaultRate(apiKey, options), options.Burst, time);
        var scheduler = new FairRequestScheduler(budget, fair: options.FairBudget);
        var handler = new ResilienceHandler(StripeResiliencePipeline.Build(options, scheduler, time, logger)) { InnerHandler = primaryHandler };

        // Attempts have their own timeout in the pipeline; an overall one would cut retries short.
        var httpClient = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var clientOptions = new StripeClientOptions
        {
            ApiKey = apiKey,
            HttpClient = new SystemNetHttpClient(httpClient, maxNetworkRetries: 0, appInfo: null, enableTelemetry: false),
        };
        if (!string.IsNullOrWhiteSpace(source.Options.StripeApiBase))
        {
            clientOptions.ApiBase = source.Options.StripeApiBase.TrimEnd('/');
        }

        return new StripeApiClient(source, new StripeClient(clientOptions), budget, scheduler, options, httpClient);
    }

    public void Dispose()
    {
        httpClient.Dispose();
        Scheduler.Dispose();
        Budget.Dispose();
    }

    /// <summary>
    /// GETs a path with query parameters and returns the response body as UTF-8 JSON, byte for byte.
    /// Retries happen below, in the HttpClient's <see cref="StripeResiliencePipeline"/>; what reaches
    /// here failed for good.
    /// </summary>
    /// <param name="account">A connected account (<c>acct_…</c>) to call as, with the <c>Stripe-Account</c> header (SPEC §12); null for the platform itself.</param>
    public async Task<byte[]> GetAsync(string path, IEnumerable<KeyValuePair<string, string>> query, CancellationToken cancellationToken, string? account = null)
    {
        try
        {
            // The streaming call hands back the body's bytes: no UTF-16 string in between.
            var parameters = new BaseOptions();
            foreach (var (key, value) in query)
            {
                parameters.AddExtraParam(key, value);
            }

            var requestOptions = account is null ? null : new RequestOptions { StripeAccount = account };
            await using var body = await Client.RequestStreamingAsync(HttpMethod.Get, path, parameters, requestOptions, cancellationToken);
            using var buffer = new MemoryStream();
            await body.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
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
        catch (TimeoutRejectedException ex)
        {
            throw new StripeApiException($"Stripe did not answer GET {path} in time: {ex.Message}", 0, ex);
        }
    }

    /// <summary>One page of a list: <c>limit</c>, optional <c>starting_after</c> and the given filters.</summary>
    public async Task<StripeListPage> ListAsync(
        string path,
        IEnumerable<KeyValuePair<string, string>> query,
        string? startingAfter,
        CancellationToken cancellationToken,
        string? account = null)
    {
        var parameters = new List<KeyValuePair<string, string>> { new("limit", options.PageSize.ToString(CultureInfo.InvariantCulture)) };
        parameters.AddRange(query);
        if (startingAfter is not null)
        {
            parameters.Add(new("starting_after", startingAfter));
        }

        return StripeListPage.Parse(await GetAsync(path, parameters, cancellationToken, account));
    }

    /// <summary>Every element of a list after <paramref name="startingAfter"/>, page by page.</summary>
    public async IAsyncEnumerable<StripeListPage> ListAllAsync(
        string path,
        IEnumerable<KeyValuePair<string, string>> query,
        string? startingAfter,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken,
        string? account = null)
    {
        var cursor = startingAfter;
        while (true)
        {
            var page = await ListAsync(path, query, cursor, cancellationToken, account);
            yield return page;
            if (!page.HasMore || page.LastId is null)
            {
                yield break;
            }

            cursor = page.LastId;
        }
    }
}
