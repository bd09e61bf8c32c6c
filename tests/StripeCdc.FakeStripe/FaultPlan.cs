using System.Collections.Concurrent;

namespace StripeCdc.FakeStripe;

/// <summary>The failures and delays the fake injects; changeable while it runs.</summary>
public sealed class FaultPlan
{
    private readonly ConcurrentQueue<FaultRule> _rules = new();

    /// <summary>Added before every list page is answered (a slow Stripe).</summary>
    public TimeSpan PageDelay { get; set; }

    /// <summary>
    /// A platform that loses track of its connected accounts: top-level resource lists (<c>/v1/customers</c>, not
    /// <c>/v1/events</c>, <c>/v1/accounts</c> nor a parent's children) answer the platform's objects whatever the
    /// <c>Stripe-Account</c> header says, as if a backfill had dropped the header.
    /// </summary>
    public bool ResourceListsIgnoreStripeAccount { get; set; }

    public FaultRule Add(FaultRule rule)
    {
        _rules.Enqueue(rule);
        return rule;
    }

    /// <summary>The next matching requests answer 429 (rate limited).</summary>
    public FaultRule RateLimit(int count, int every = 1, bool? shouldRetry = null, string? pathPrefix = null, TimeSpan? retryAfter = null) =>
        Add(new FaultRule(429, count, pathPrefix, every, shouldRetry, retryAfter));

    /// <summary>The next matching requests answer 500.</summary>
    public FaultRule ServerError(int count, int every = 1, string? pathPrefix = null) =>
        Add(new FaultRule(500, count, pathPrefix, every));

    public void Clear() => _rules.Clear();

    /// <summary>Whether <see cref="ResourceListsIgnoreStripeAccount"/> applies to this request.</summary>
    internal bool IgnoresStripeAccount(string path, bool hasParentFilter) =>
        ResourceListsIgnoreStripeAccount
        && !hasParentFilter
        && path is not ("/v1/events" or FakeConnectedAccounts.AccountsPath)
        && (path.Count(c => c == '/') == 2 || path == "/v1/checkout/sessions");

    internal FaultRule? Match(string path) => _rules.FirstOrDefault(r => r.TryApply(path));
}
