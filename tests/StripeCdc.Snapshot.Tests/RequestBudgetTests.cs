using System.Diagnostics;
using StripeCdc.Snapshot.Cli;
using StripeCdc.Snapshot.StripeApi;

namespace StripeCdc.Snapshot.Tests;

[Collection(Support.TimingCollection.Name)]
public sealed class RequestBudgetTests
{
    [Fact]
    public async Task The_budget_spaces_requests_at_its_rate()
    {
        var clock = Stopwatch.StartNew();
        var budget = new RequestBudget(100, burst: 1, TimeProvider.System);

        var passed = await Task.WhenAll(Enumerable.Range(0, 51).Select(async _ =>
        {
            await budget.AcquireAsync(CancellationToken.None);
            return clock.Elapsed.TotalSeconds;
        }));

        Assert.Equal(51, budget.Granted);
        Assert.InRange(passed.Max(), 0.49, 1.5);
        var sorted = passed.Order().ToArray();
        for (var k = 0; k < sorted.Length; k++)
        {
            // Timers may fire a hair early; the tolerance allows a few milliseconds, not a whole slot.
            Assert.True(sorted[k] >= (k * 0.01) - 0.005, $"request {k} passed at {sorted[k]:F3} s, before its slot");
        }
    }

    [Fact]
    public async Task No_second_holds_more_requests_than_the_rate_even_when_timers_run_late()
    {
        var budget = new RequestBudget(50, burst: 1, TimeProvider.System);
        var clock = Stopwatch.StartNew();
        var passed = new System.Collections.Concurrent.ConcurrentBag<double>();

        // Callers that arrive in clumps and hog the thread pool make timers fire late.
        await Task.WhenAll(Enumerable.Range(0, 120).Select(async i =>
        {
            await Task.Delay(i % 7 * 3);
            await budget.AcquireAsync(CancellationToken.None);
            passed.Add(clock.Elapsed.TotalSeconds);
            Thread.SpinWait(20_000);
        }));

        var sorted = passed.Order().ToArray();
        for (var start = 0; start < sorted.Length; start++)
        {
            Assert.True(sorted.Skip(start).TakeWhile(t => t - sorted[start] < 1.0).Count() <= 50, $"more than 50 requests within a second from {sorted[start]:F3} s");
        }

        // The upper bound only catches a budget that stalls; how close it gets to the rate is the
        // benchmark's job (README: 97.5 % of 25 req/s), not a timed test's on a loaded CI machine.
        Assert.InRange(sorted[^1], 119 / 50.0 - 0.01, 10);
    }

    [Fact]
    public async Task A_burst_passes_at_once_after_an_idle_spell()
    {
        var budget = new RequestBudget(10, burst: 5, TimeProvider.System);
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < 5; i++)
        {
            await budget.AcquireAsync(CancellationToken.None);
        }

        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(50));
        await budget.AcquireAsync(CancellationToken.None);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(90));
    }

    [Theory]
    [InlineData("sk_live_abc", 80)]
    [InlineData("rk_live_abc", 80)]
    [InlineData("sk_test_abc", 20)]
    [InlineData("rk_test_abc", 20)]
    public void The_default_rate_follows_the_key_mode(string key, double rate) =>
        Assert.Equal(rate, StripeKeyMode.DefaultRate(key, new SnapshotOptions()));

    [Fact]
    public void A_configured_rate_wins_over_the_key_mode() =>
        Assert.Equal(7, StripeKeyMode.DefaultRate("sk_live_abc", new SnapshotOptions { RequestsPerSecond = 7 }));

    [Fact]
    public void The_command_line_separates_options_flags_and_configuration_overrides()
    {
        var cli = CliArguments.Parse(["snapshot", "--resources", "customer,invoice", "--restart", "--StripeCdc:Snapshot:Burst=2"]);

        Assert.Equal(["snapshot"], cli.Words);
        Assert.Equal(["customer", "invoice"], cli.List("resources"));
        Assert.True(cli.Flag("restart"));
        Assert.Equal(["--StripeCdc:Snapshot:Burst=2"], cli.ConfigurationOverrides);
        Assert.Equal("https://h/webhooks/stripe?…", CliApp.RedactUrl("https://h/webhooks/stripe?api_key=secret"));
    }
}
