using System.Runtime.CompilerServices;

namespace StripeCdc.StripeApi.Tests;

public sealed class RequestBudgetTests
{
    [Fact]
    public async Task The_budget_spaces_requests_at_its_rate()
    {
        var clock = new GrantClock();
        var budget = new RequestBudget(100, burst: 1, clock);

        var granted = await Task.WhenAll(Enumerable.Range(0, 51).Select(_ => clock.AcquireAsync(budget)));

        Assert.Equal(51, budget.Granted);
        var sorted = granted.Order().ToArray();
        for (var k = 0; k < sorted.Length; k++)
        {
            // Timers may fire a hair early; the tolerance allows a few milliseconds, not a whole slot.
            Assert.True(sorted[k] - sorted[0] >= (k * 0.01) - 0.005, $"request {k} passed at {sorted[k] - sorted[0]:F3} s, before its slot");
        }

        // The upper bound only catches a budget that stalls.
        Assert.InRange(sorted[^1] - sorted[0], 0.49, 10);
    }

    [Fact]
    public async Task No_second_holds_more_requests_than_the_rate_even_when_timers_run_late()
    {
        var clock = new GrantClock();
        var budget = new RequestBudget(50, burst: 1, clock);

        // Callers that arrive in clumps and hog the thread pool make timers fire late.
        var granted = await Task.WhenAll(Enumerable.Range(0, 120).Select(async i =>
        {
            await Task.Delay(i % 7 * 3);
            var at = await clock.AcquireAsync(budget);
            Thread.SpinWait(20_000);
            return at;
        }));

        var sorted = granted.Order().ToArray();
        for (var start = 0; start < sorted.Length; start++)
        {
            Assert.True(sorted.Skip(start).TakeWhile(t => t - sorted[start] < 1.0).Count() <= 50, $"more than 50 requests within a second from {sorted[start] - sorted[0]:F3} s");
        }

        // The upper bound only catches a budget that stalls; how close it gets to the rate is the
        // benchmark's job (README: 97.5 % of 25 req/s), not a timed test's on a loaded CI machine.
        Assert.InRange(sorted[^1] - sorted[0], 119 / 50.0 - 0.01, 10);
    }

    [Fact]
    public void A_burst_passes_at_once_after_an_idle_spell_and_then_the_rate_holds()
    {
        using var budget = new RequestBudget(1, burst: 5, TimeProvider.System);

        var leases = Enumerable.Range(0, 6).Select(_ => budget.AttemptAcquire()).ToList();

        Assert.All(leases.Take(5), l => Assert.True(l.IsAcquired));
        Assert.False(leases[5].IsAcquired);
        Assert.True(leases[5].TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromMilliseconds(900), TimeSpan.FromMilliseconds(1100));
        leases.ForEach(l => l.Dispose());
    }

    [Fact]
    public async Task As_a_rate_limiter_an_attempt_without_a_free_slot_is_refused_with_its_wait()
    {
        using var budget = new RequestBudget(2, burst: 1, TimeProvider.System);

        using var first = budget.AttemptAcquire();
        using var second = budget.AttemptAcquire();
        using var queued = await budget.AcquireAsync();

        Assert.True(first.IsAcquired);
        Assert.False(second.IsAcquired);
        Assert.True(second.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(500));
        Assert.True(queued.IsAcquired);
        Assert.Equal(2, budget.Granted);
        Assert.Equal(1, budget.GetStatistics()!.TotalFailedLeases);
    }

    [Theory]
    [InlineData("sk_live_abc", 80)]
    [InlineData("rk_live_abc", 80)]
    [InlineData("sk_test_abc", 20)]
    [InlineData("rk_test_abc", 20)]
    public void The_default_rate_follows_the_key_mode(string key, double rate) =>
        Assert.Equal(rate, StripeKeyMode.DefaultRate(key, new StripeApiOptions()));

    [Fact]
    public void A_configured_rate_wins_over_the_key_mode() =>
        Assert.Equal(7, StripeKeyMode.DefaultRate("sk_live_abc", new StripeApiOptions { RequestsPerSecond = 7 }));

    /// <summary>
    /// The system clock that also tells each caller when the budget let it through: the budget's last
    /// clock read in the caller's flow is the grant (the sliding window records it), so late
    /// continuations on a loaded machine do not blur the measurement.
    /// </summary>
    private sealed class GrantClock : TimeProvider
    {
        private static readonly AsyncLocal<StrongBox<long>?> LastRead = new();

        public override long TimestampFrequency => System.TimestampFrequency;

        public override long GetTimestamp()
        {
            var now = System.GetTimestamp();
            if (LastRead.Value is { } box)
            {
                box.Value = now;
            }

            return now;
        }

        /// <summary>Acquires a slot and returns when it was granted, in seconds.</summary>
        public async Task<double> AcquireAsync(RequestBudget budget)
        {
            var box = new StrongBox<long>();
            LastRead.Value = box;
            using var lease = await budget.AcquireAsync();
            return box.Value / (double)TimestampFrequency;
        }
    }
}
