namespace StripeCdc.FakeStripe;

/// <summary>
/// An injected failure: the matching requests (by path prefix, every <see cref="Every"/>-th one) are
/// answered with <see cref="Status"/> until <see cref="Remaining"/> reaches zero.
/// </summary>
public sealed class FaultRule
{
    private int _seen;
    private int _remaining;

    public FaultRule(int status, int count, string? pathPrefix = null, int every = 1, bool? shouldRetry = null, TimeSpan? retryAfter = null, string? code = null)
    {
        Code = code;
        RetryAfter = retryAfter;
        Status = status;
        _remaining = count;
        PathPrefix = pathPrefix;
        Every = every;
        ShouldRetry = shouldRetry;
    }

    public int Status { get; }

    /// <summary>The error's <c>code</c> (<c>resource_missing</c> for "no such object"), or null for none: a 404 without it is "no such URL".</summary>
    public string? Code { get; }

    public string? PathPrefix { get; }

    public int Every { get; }

    /// <summary>The <c>Stripe-Should-Retry</c> header to send, or null to send none.</summary>
    public bool? ShouldRetry { get; }

    /// <summary>The <c>Retry-After</c> header to send (whole seconds), or null to send none.</summary>
    public TimeSpan? RetryAfter { get; }

    public int Remaining => Volatile.Read(ref _remaining);

    internal bool TryApply(string path)
    {
        if (PathPrefix is not null && !path.StartsWith(PathPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        if (Interlocked.Increment(ref _seen) % Every != 0)
        {
            return false;
        }

        while (true)
        {
            var remaining = Volatile.Read(ref _remaining);
            if (remaining <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _remaining, remaining - 1, remaining) == remaining)
            {
                return true;
            }
        }
    }
}
