using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using StripeCdc.Configuration;
using StripeCdc.FakeStripe;
using StripeCdc.StripeApi.Fairness;
using StripeCdc.Testing;

namespace StripeCdc.StripeApi.Tests;

/// <summary>
/// One budget, fair (SPEC §12), through the real Stripe.net client against the fake API: one large
/// connected account pages its customers with many lists at once (bulk), while small accounts re-read
/// one object now and then (interactive, together about half the budget). A re-read waits at most a few slots; the same load
/// first come, first served makes each re-read wait behind the large account's whole queue.
/// </summary>
public sealed class FairBudgetIntegrationTests(ITestOutputHelper output)
{
    private const double Rate = 10;
    private const int Listers = 16;
    private const int SmallAccounts = 6;
    private const int ReadsEach = 3;

    // Between two re-reads of one account: the small accounts together ask for about half the slots.
    private const int PauseSlots = 2 * SmallAccounts;

    private static readonly TimeSpan Slot = TimeSpan.FromSeconds(1 / Rate);

    [Fact]
    public async Task A_small_accounts_reread_waits_a_few_slots_while_a_large_account_pages_heavily()
    {
        var waits = await RunAsync(fair: true);
        output.WriteLine($"fair: p99 re-read {P99(waits).TotalMilliseconds:F0} ms, slot {Slot.TotalMilliseconds:F0} ms");

        Assert.Equal(SmallAccounts * ReadsEach, waits.Count);
        Assert.True(P99(waits) <= 4 * Slot, $"p99 wait {P99(waits).TotalMilliseconds:F0} ms is over 4 slots ({4 * Slot.TotalMilliseconds:F0} ms).");
    }

    [Fact]
    public async Task First_come_first_served_the_same_reread_waits_behind_the_large_accounts_queue()
    {
        var waits = await RunAsync(fair: false);
        output.WriteLine($"first come, first served: p99 re-read {P99(waits).TotalMilliseconds:F0} ms, slot {Slot.TotalMilliseconds:F0} ms");

        Assert.Equal(SmallAccounts * ReadsEach, waits.Count);
        Assert.True(P99(waits) > 4 * Slot, $"p99 wait {P99(waits).TotalMilliseconds:F0} ms without fairness; the check above could not fail.");
    }

    private static TimeSpan P99(List<TimeSpan> waits)
    {
        var sorted = waits.Order().ToList();
        return sorted[(int)Math.Ceiling(0.99 * sorted.Count) - 1];
    }

    private static async Task<List<TimeSpan>> RunAsync(bool fair)
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        const string large = "acct_1FairLarge";
        FakeStripeSeeder.Seed(stripe.Accounts.Add(large), "customer", 1_000);
        var small = Enumerable.Range(0, SmallAccounts).Select(i => $"acct_1FairSmall{i:D2}").ToList();
        foreach (var account in small)
        {
            stripe.Accounts.Add(account).Add("/v1/customers", new FakeObject("cus_fair", FakeStripeSeeder.StartTime, StripeObjects.Customer("cus_fair", $"{account}@example.com")));
        }

        var source = new SourceSettings("platform", new SourceOptions { StripeApiKey = "sk_test_fair51Hn2kLwYp", StripeApiBase = stripe.ApiBase, Connect = true });
        var options = new StripeApiOptions { RequestsPerSecond = Rate, FairBudget = fair, PageSize = 1 };
        using var api = StripeApiClient.Create(source, options, TimeProvider.System, NullLogger.Instance, new SocketsHttpHandler());

        // The large account's backfill: many lists at once, each paging until the re-reads are done.
        using var stop = new CancellationTokenSource();
        var backfill = Enumerable.Range(0, Listers).Select(_ => Task.Run(async () =>
        {
            using var bulk = StripeRequestClass.Bulk();
            try
            {
                await foreach (var page in api.ListAllAsync("/v1/customers", [], null, stop.Token, large))
                {
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        })).ToList();

        // Let the large account's queue fill up before the small accounts start.
        await Task.Delay(Slot * 4);
        var waits = new System.Collections.Concurrent.ConcurrentBag<TimeSpan>();
        await Task.WhenAll(small.Select((account, index) => Task.Run(async () =>
        {
            await Task.Delay(Slot * index);
            for (var i = 0; i < ReadsEach; i++)
            {
                if (i > 0)
                {
                    await Task.Delay(Slot * PauseSlots);
                }

                var clock = Stopwatch.StartNew();
                await api.GetAsync("/v1/customers/cus_fair", [], CancellationToken.None, account);
                waits.Add(clock.Elapsed);
            }
        })));
        await stop.CancelAsync();
        await Task.WhenAll(backfill);
        return [.. waits];
    }
}
