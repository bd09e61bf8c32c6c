using System.Threading.RateLimiting;
using StripeCdc.StripeApi.Fairness;

namespace StripeCdc.StripeApi.Tests;

/// <summary>
/// The fair budget (SPEC §12) on its own: a budget that grants a slot only when the test says so, so the
/// order in which waiters get slots is observed one slot at a time, with no clock involved.
/// </summary>
public sealed class FairRequestSchedulerTests
{
    private const string Platform = "";
    private const string Large = "acct_1Large";

    [Fact]
    public async Task A_revalidation_takes_the_next_slot_before_a_large_accounts_queued_pages()
    {
        using var budget = new SteppedBudget();
        using var scheduler = new FairRequestScheduler(budget);
        var order = new Arrivals(scheduler);
        order.Add("page1", Large, RequestClass.Bulk);
        order.Add("page2", Large, RequestClass.Bulk);
        order.Add("page3", Large, RequestClass.Bulk);
        order.Add("reread", "acct_1Small", RequestClass.Interactive);

        var granted = await order.GrantAsync(budget, 4);

        Assert.Equal(["reread", "page1", "page2", "page3"], granted);
    }

    [Fact]
    public async Task Within_a_class_accounts_take_turns_so_many_queued_pages_get_one_turn_per_round()
    {
        using var budget = new SteppedBudget();
        using var scheduler = new FairRequestScheduler(budget);
        var order = new Arrivals(scheduler);
        for (var i = 1; i <= 4; i++)
        {
            order.Add($"L{i}", Large, RequestClass.Bulk);
        }

        order.Add("A1", "acct_1A", RequestClass.Bulk);
        order.Add("B1", "acct_1B", RequestClass.Bulk);
        order.Add("A2", "acct_1A", RequestClass.Bulk);
        order.Add("P1", Platform, RequestClass.Bulk);

        var granted = await order.GrantAsync(budget, 8);

        Assert.Equal(["L1", "A1", "B1", "P1", "L2", "A2", "L3", "L4"], granted);
    }

    [Fact]
    public async Task Bulk_is_not_starved_it_gets_every_fifth_slot_while_interactive_calls_keep_waiting()
    {
        using var budget = new SteppedBudget();
        using var scheduler = new FairRequestScheduler(budget, interactivePerBulk: 4);
        var order = new Arrivals(scheduler);
        order.Add("B1", Large, RequestClass.Bulk);
        order.Add("B2", Large, RequestClass.Bulk);
        for (var i = 1; i <= 10; i++)
        {
            order.Add($"I{i}", $"acct_1Small{i % 3}", RequestClass.Interactive);
        }

        var granted = await order.GrantAsync(budget, 12);

        Assert.Equal(["I1", "I2", "I3", "I4", "B1", "I5", "I6", "I7", "I8", "B2", "I9", "I10"], granted);
    }

    [Fact]
    public async Task A_cancelled_waiter_is_cancelled_and_its_turn_goes_to_the_next()
    {
        using var budget = new SteppedBudget();
        using var scheduler = new FairRequestScheduler(budget);
        var order = new Arrivals(scheduler);
        using var cancel = new CancellationTokenSource();
        order.Add("first", "acct_1A", RequestClass.Interactive, cancel.Token);
        order.Add("second", "acct_1B", RequestClass.Interactive);

        await cancel.CancelAsync();
        var granted = await order.GrantAsync(budget, 1);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => order.Task("first"));
        Assert.Equal(["second"], granted);
    }

    [Fact]
    public async Task Without_fairness_the_budget_is_first_come_first_served()
    {
        using var budget = new SteppedBudget();
        using var scheduler = new FairRequestScheduler(budget, fair: false);
        var order = new Arrivals(scheduler);
        order.Add("page1", Large, RequestClass.Bulk);
        order.Add("page2", Large, RequestClass.Bulk);
        order.Add("reread", "acct_1Small", RequestClass.Interactive);

        var granted = await order.GrantAsync(budget, 3);

        Assert.Equal(["page1", "page2", "reread"], granted);
    }

    [Fact]
    public async Task Disposing_cancels_whoever_still_waits()
    {
        var budget = new SteppedBudget();
        var scheduler = new FairRequestScheduler(budget);
        var waiting = scheduler.AcquireAsync(Large, RequestClass.Bulk, CancellationToken.None).AsTask();

        scheduler.Dispose();
        budget.Dispose();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, scheduler.Granted);
    }

    /// <summary>Waiters by label, in the order they arrived; grants slots one by one and records who got each.</summary>
    private sealed class Arrivals(FairRequestScheduler scheduler)
    {
        private readonly List<(string Label, Task Task)> _waiters = [];

        public void Add(string label, string account, RequestClass requestClass, CancellationToken cancellationToken = default) =>
            _waiters.Add((label, scheduler.AcquireAsync(account, requestClass, cancellationToken).AsTask()));

        public Task Task(string label) => _waiters.Single(w => w.Label == label).Task;

        public async Task<List<string>> GrantAsync(SteppedBudget budget, int slots)
        {
            var granted = new List<string>();
            for (var i = 0; i < slots; i++)
            {
                budget.Release();
                var pending = _waiters.Where(w => !granted.Contains(w.Label) && !w.Task.IsCanceled).Select(w => w.Task).ToList();
                var done = await System.Threading.Tasks.Task.WhenAny(pending).WaitAsync(TimeSpan.FromSeconds(10));
                granted.Add(_waiters.Single(w => w.Task == done).Label);

                // Nothing else may have been let through by the one slot.
                Assert.Equal(granted.Count, _waiters.Count(w => w.Task.IsCompletedSuccessfully));
            }

            return granted;
        }
    }

    /// <summary>A budget that lets one request through per <see cref="Release"/>.</summary>
    private sealed class SteppedBudget : RateLimiter
    {
        private readonly SemaphoreSlim _slots = new(0);

        public override TimeSpan? IdleDuration => null;

        public void Release() => _slots.Release();

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => throw new NotSupportedException();

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            await _slots.WaitAsync(cancellationToken);
            return new Lease();
        }

        protected override void Dispose(bool disposing)
        {
            _slots.Dispose();
            base.Dispose(disposing);
        }

        private sealed class Lease : RateLimitLease
        {
            public override bool IsAcquired => true;

            public override IEnumerable<string> MetadataNames => [];

            public override bool TryGetMetadata(string metadataName, out object? metadata)
            {
                metadata = null;
                return false;
            }
        }
    }
}
