namespace StripeCdc.Snapshot.StripeApi;

/// <summary>
/// A token bucket for Stripe requests, written as GCRA: each request reserves the next free slot
/// (<c>1/rate</c> apart, up to <c>burst</c> at once after an idle spell) and waits for it. Slots are
/// absolute times, so a late timer does not lower the achieved rate. Shared by every caller of one
/// Stripe account: snapshot pages, reconciliation, fan-out completion, hydration, Stripe.net's retries.
/// </summary>
internal sealed class RequestBudget
{
    private readonly TimeProvider _time;
    private readonly long _emission;
    private readonly long _tolerance;
    private readonly Lock _lock = new();
    private long _theoreticalArrival;
    private long _granted;

    public RequestBudget(double requestsPerSecond, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestsPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _time = time;
        RequestsPerSecond = requestsPerSecond;
        _emission = (long)Math.Round(time.TimestampFrequency / requestsPerSecond);
        _tolerance = _emission * (burst - 1);
        _theoreticalArrival = time.GetTimestamp();
    }

    public double RequestsPerSecond { get; }

    /// <summary>Requests let through so far.</summary>
    public long Granted => Interlocked.Read(ref _granted);

    public ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        long slot;
        lock (_lock)
        {
            var basis = Math.Max(_theoreticalArrival, now);
            slot = Math.Max(now, basis - _tolerance);
            _theoreticalArrival = basis + _emission;
        }

        Interlocked.Increment(ref _granted);
        var wait = slot - now;
        return wait <= 0
            ? ValueTask.CompletedTask
            : new ValueTask(Task.Delay(TimeSpan.FromSeconds(wait / (double)_time.TimestampFrequency), _time, cancellationToken));
    }
}
