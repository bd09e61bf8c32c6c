using System.Collections.Concurrent;

namespace StripeCdc.FakeStripe;

/// <summary>
/// Stripe's per-key rate limit: at most <see cref="RequestsPerSecond"/> requests within any second for one API
/// key, whichever account (<c>Stripe-Account</c>) they are made for; the ones over it answer 429 with Stripe's
/// <c>rate_limit</c> error. Off (null) by default; changeable while the fake runs.
/// </summary>
public sealed class FakeRateLimits
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _recent = new(StringComparer.Ordinal);

    /// <summary>The most requests one key may make within <see cref="Window"/>; null for no limit.</summary>
    public int? RequestsPerSecond { get; set; }

    /// <summary>The period the limit counts over: a second, as Stripe's; a test that must not depend on the machine's speed widens it.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many requests were refused for the rate.</summary>
    public int Refused => _refused;

    private int _refused;

    /// <summary>Whether a request of <paramref name="apiKey"/> arriving at <paramref name="now"/> is within the limit (and counts it).</summary>
    internal bool TryAcquire(string apiKey, DateTimeOffset now)
    {
        if (RequestsPerSecond is not { } limit)
        {
            return true;
        }

        var recent = _recent.GetOrAdd(apiKey, _ => new Queue<DateTimeOffset>());
        lock (recent)
        {
            while (recent.Count > 0 && now - recent.Peek() >= Window)
            {
                recent.Dequeue();
            }

            if (recent.Count >= limit)
            {
                Interlocked.Increment(ref _refused);
                return false;
            }

            recent.Enqueue(now);
            return true;
        }
    }
}
