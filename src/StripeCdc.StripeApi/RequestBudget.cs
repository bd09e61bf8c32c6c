namespace StripeCdc.StripeApi;

/// <summary>
/// A token bucket for Stripe requests, written as GCRA: each request reserves the next free slot
/// (<c>1/rate</c> apart, up to <c>burst</c> at once after an idle spell) and waits for it. Slots are
/// absolute times, so a late timer does not lower the achieved rate. Because a late timer can bunch two
/// requests, a sliding window also holds back any request that would put more than the rate (rounded
/// up, at least <c>burst</c>) into one second plus a 25 ms margin. Shared by every caller of one Stripe
/// account: snapshot pages, reconciliation, fan-out completion, hydration, Stripe.net's retries.
/// </summary>
internal sealed class RequestBudget
{
    /// <summary>Above this rate the window is not tracked (its ring would be large and nothing limits that fast).</summary>
    private const double WindowedUpTo = 10_000;

    // A little over a second, so that requests still fit Stripe's one-second view after network jitter.
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(1025);

    private readonly TimeProvider _time;
    private readonly long _emission;
    private readonly long _tolerance;
    private readonly long _window;
    private readonly long[]? _recent;
    private readonly Lock _lock = new();
    private long _theoreticalArrival;
    private int _oldest;
    private long _granted;

    public RequestBudget(double requestsPerSecond, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestsPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _time = time;
        RequestsPerSecond = requestsPerSecond;
        _emission = (long)Math.Round(time.TimestampFrequency / requestsPerSecond);
        _tolerance = _emission * (burst - 1);
        _window = (long)(Window.TotalSeconds * time.TimestampFrequency);
        _recent = requestsPerSecond <= WindowedUpTo ? new long[Math.Max(burst, (int)Math.Ceiling(requestsPerSecond))] : null;
        _theoreticalArrival = time.GetTimestamp();
    }

    public double RequestsPerSecond { get; }

    /// <summary>Requests let through so far.</summary>
    public long Granted => Interlocked.Read(ref _granted);

    public async ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        long slot;
        lock (_lock)
        {
            var basis = Math.Max(_theoreticalArrival, now);
            slot = Math.Max(now, basis - _tolerance);
            _theoreticalArrival = basis + _emission;
        }

        if (slot > now)
        {
            await Task.Delay(Duration(slot - now), _time, cancellationToken);
        }

        while (_recent is not null)
        {
            long wait;
            lock (_lock)
            {
                now = _time.GetTimestamp();
                var oldest = _recent[_oldest];
                wait = oldest == 0 ? 0 : oldest + _window - now;
                if (wait <= 0)
                {
                    _recent[_oldest] = now;
                    _oldest = (_oldest + 1) % _recent.Length;
                    break;
                }
            }

            await Task.Delay(Duration(wait), _time, cancellationToken);
        }

        Interlocked.Increment(ref _granted);
    }

    private TimeSpan Duration(long ticks) => TimeSpan.FromSeconds(ticks / (double)_time.TimestampFrequency);
}
