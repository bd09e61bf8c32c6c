using System.Threading.RateLimiting;

namespace StripeCdc.StripeApi;

/// <summary>
/// A source's Stripe request budget as a <see cref="RateLimiter"/>, written as GCRA: each request
/// reserves the next free slot (<c>1/rate</c> apart, up to <c>burst</c> at once after an idle spell)
/// and waits for it. Slots are absolute times, so a late timer does not lower the achieved rate.
/// Because a late timer can bunch two requests, a sliding window also holds back any request that
/// would put more than the rate (rounded up, at least <c>burst</c>) into one second plus a 25 ms
/// margin. It sits inside the retry of <see cref="StripeResiliencePipeline"/>, so every attempt that
/// leaves the process takes a slot: snapshot pages, reconciliation, fan-out completion, hydration,
/// registration and every retry of them.
/// </summary>
internal sealed class RequestBudget : RateLimiter
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
    private long _refused;
    private int _waiting;

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

    public override TimeSpan? IdleDuration
    {
        get
        {
            var now = _time.GetTimestamp();
            lock (_lock)
            {
                return _waiting == 0 && now >= _theoreticalArrival ? Duration(now - _theoreticalArrival) : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = IdleDuration is null ? 0 : 1,
        CurrentQueuedCount = Volatile.Read(ref _waiting),
        TotalSuccessfulLeases = Granted,
        TotalFailedLeases = Interlocked.Read(ref _refused),
    };

    /// <summary>Takes a slot only if one is free now (never waits).</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        var now = _time.GetTimestamp();
        long wait = 0;
        for (var i = 0; i < permitCount; i++)
        {
            if (!TryTakeNow(now, out wait))
            {
                Interlocked.Increment(ref _refused);
                return BudgetLease.Refused(Duration(wait));
            }
        }

        return BudgetLease.Granted;
    }

    /// <summary>Waits for a slot per permit; never refuses.</summary>
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            for (var i = 0; i < permitCount; i++)
            {
                await WaitForSlotAsync(cancellationToken);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        return BudgetLease.Granted;
    }

    private async ValueTask WaitForSlotAsync(CancellationToken cancellationToken)
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
                wait = WindowWait(now);
                if (wait <= 0)
                {
                    Record(now);
                    break;
                }
            }

            await Task.Delay(Duration(wait), _time, cancellationToken);
        }

        Interlocked.Increment(ref _granted);
    }

    private bool TryTakeNow(long now, out long wait)
    {
        lock (_lock)
        {
            var basis = Math.Max(_theoreticalArrival, now);
            var slot = Math.Max(now, basis - _tolerance);
            wait = Math.Max(slot - now, _recent is null ? 0 : WindowWait(now));
            if (wait > 0)
            {
                return false;
            }

            _theoreticalArrival = basis + _emission;
            if (_recent is not null)
            {
                Record(now);
            }
        }

        Interlocked.Increment(ref _granted);
        return true;
    }

    private long WindowWait(long now)
    {
        var oldest = _recent![_oldest];
        return oldest == 0 ? 0 : oldest + _window - now;
    }

    private void Record(long now)
    {
        _recent![_oldest] = now;
        _oldest = (_oldest + 1) % _recent.Length;
    }

    private TimeSpan Duration(long ticks) => TimeSpan.FromSeconds(ticks / (double)_time.TimestampFrequency);

    private sealed class BudgetLease(bool isAcquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly BudgetLease Granted = new(true, null);

        public override bool IsAcquired => isAcquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public static BudgetLease Refused(TimeSpan retryAfter) => new(false, retryAfter);

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } after && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = after;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
