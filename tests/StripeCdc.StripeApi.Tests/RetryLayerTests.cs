using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StripeCdc.Configuration;
using StripeCdc.FakeStripe;

namespace StripeCdc.StripeApi.Tests;

/// <summary>
/// One retry layer to Stripe (issue 12.7): the resilience pipeline on Stripe.net's HttpClient, against
/// the fake Stripe API through the real Stripe.net client. The fake's request log counts what really
/// left the process.
/// </summary>
public sealed class RetryLayerTests
{
    [Fact]
    public async Task During_a_429_storm_one_logical_call_makes_exactly_one_plus_MaxRetries_requests()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        stripe.Faults.RateLimit(int.MaxValue);
        using var clients = Clients(new StripeApiOptions { MaxRetries = 3, RequestsPerSecond = 1000 });
        var api = clients.For(Source(stripe));

        var error = await Assert.ThrowsAsync<StripeApiException>(() => api.ListAsync("/v1/customers", [], null, CancellationToken.None));

        Assert.Equal(429, error.StatusCode);
        Assert.Equal(4, stripe.Log.Count);
        Assert.All(stripe.Log.Requests, r => Assert.Equal(429, r.Status));
        Assert.Equal(4, api.Budget.Granted);
    }

    [Fact]
    public async Task Stripe_Should_Retry_false_is_not_retried_and_true_is_retried_even_for_a_400()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        FakeStripeSeeder.Seed(stripe.Data, "customer", 3);
        stripe.Faults.RateLimit(int.MaxValue, shouldRetry: false, pathPrefix: "/v1/coupons");
        stripe.Faults.Add(new FaultRule(400, count: 2, pathPrefix: "/v1/customers", shouldRetry: true));
        using var clients = Clients(new StripeApiOptions { MaxRetries = 5, RequestsPerSecond = 1000 });
        var api = clients.For(Source(stripe));

        var refused = await Assert.ThrowsAsync<StripeApiException>(() => api.ListAsync("/v1/coupons", [], null, CancellationToken.None));
        var page = await api.ListAsync("/v1/customers", [], null, CancellationToken.None);

        Assert.Equal(429, refused.StatusCode);
        Assert.Single(stripe.Log.Requests, r => r.Path == "/v1/coupons");
        Assert.Equal(3, page.Elements.Count);
        Assert.Equal([400, 400, 200], stripe.Log.Requests.Where(r => r.Path == "/v1/customers").Select(r => r.Status));
    }

    [Fact]
    public async Task A_Retry_After_header_sets_the_delay_before_the_retry()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        FakeStripeSeeder.Seed(stripe.Data, "customer", 1);
        stripe.Faults.RateLimit(1, retryAfter: TimeSpan.FromSeconds(1));
        using var clients = Clients(new StripeApiOptions { MaxRetries = 2, RequestsPerSecond = 1000, RetryBaseDelay = TimeSpan.FromMilliseconds(1), RetryMaxDelay = TimeSpan.FromMilliseconds(2) });
        var api = clients.For(Source(stripe));

        var page = await api.ListAsync("/v1/customers", [], null, CancellationToken.None);

        Assert.Single(page.Elements);
        var requests = stripe.Log.Requests;
        Assert.Equal([429, 200], requests.Select(r => r.Status));

        // Without Retry-After the backoff would be about a millisecond; only a lower bound is checked.
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(950), $"retried after {(requests[1].At - requests[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Concurrent_calls_in_a_429_storm_stay_within_their_retries_and_the_budget()
    {
        const int rate = 20;
        const int retries = 4;
        await using var stripe = await FakeStripeServer.StartAsync();
        var customers = FakeStripeSeeder.Seed(stripe.Data, "customer", 12).ToList();
        var storm = stripe.Faults.RateLimit(30);
        var options = new StripeApiOptions
        {
            MaxRetries = retries,
            RequestsPerSecond = rate,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        };

        // The production client with a recorder in front of the sockets: it stamps each request as it
        // leaves, right after its budget slot (arrival stamps would add the network stack's jitter).
        var departures = new DepartureLog { InnerHandler = new SocketsHttpHandler() };
        using var api = StripeApiClient.Create(Source(stripe), options, TimeProvider.System, NullLogger.Instance, departures);

        // One logical call per customer, each on its own path, all at once.
        var outcomes = await Task.WhenAll(customers.Select(async id =>
        {
            try
            {
                await api.GetAsync("/v1/customers/" + id, [], CancellationToken.None);
                return 200;
            }
            catch (StripeApiException ex)
            {
                return ex.StatusCode;
            }
        }));

        Assert.Equal(0, storm.Remaining);
        Assert.All(outcomes, status => Assert.Contains(status, new[] { 200, 429 }));
        var byCall = stripe.Log.Requests.GroupBy(r => r.Path).ToList();
        Assert.Equal(customers.Count, byCall.Count);
        Assert.All(byCall, call => Assert.InRange(call.Count(), 1, 1 + retries));
        Assert.All(byCall, call => Assert.Equal(outcomes[customers.IndexOf(call.Key["/v1/customers/".Length..])], call.Last().Status));
        Assert.Equal(stripe.Log.Count, departures.Count);
        Assert.Equal(departures.Count, api.Budget.Granted);

        // The budget keeps any 1.025 s within the rate; one request of slack covers a thread that is
        // preempted between its slot and its stamp on a loaded machine.
        Assert.InRange(departures.MaxInAnyWindow(TimeSpan.FromSeconds(1)), 1, rate + 1);
    }

    private static StripeApiClients Clients(StripeApiOptions options) => new(Options.Create(options), TimeProvider.System);

    private static SourceSettings Source(FakeStripeServer stripe) => new("default", new SourceOptions
    {
        StripeApiKey = "sk_test_retry51Hn2kLwYp",
        StripeApiBase = stripe.ApiBase,
    });

    /// <summary>Stamps every request as it leaves the process.</summary>
    private sealed class DepartureLog : DelegatingHandler
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<long> _stamps = new();

        public int Count => _stamps.Count;

        public int MaxInAnyWindow(TimeSpan window)
        {
            var stamps = _stamps.Order().ToArray();
            var span = (long)(window.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
            var max = 0;
            for (int start = 0, end = 0; end < stamps.Length; end++)
            {
                while (stamps[end] - stamps[start] >= span)
                {
                    start++;
                }

                max = Math.Max(max, end - start + 1);
            }

            return max;
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _stamps.Enqueue(System.Diagnostics.Stopwatch.GetTimestamp());
            return base.SendAsync(request, cancellationToken);
        }
    }
}
