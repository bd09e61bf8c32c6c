using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StripeCdc.Configuration;
using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Hosting;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Reconciliation;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

/// <summary>SPEC §6 (amended): reconciliation runs on a schedule in the worker.</summary>
[Collection(KafkaCollection.Name)]
public sealed class ReconciliationScheduleTests(KafkaFixture kafka)
{
    [Fact]
    public async Task The_worker_reconciles_the_last_window_every_interval_and_a_later_run_adds_nothing()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 5; i++)
        {
            var id = $"evt_sched{i}";
            var created = now.AddMinutes(-50 + (i * 10)).ToUnixTimeSeconds();
            stripe.Data.Add("/v1/events", new FakeObject(id, created, StripeObjects.Event("customer.updated", StripeObjects.Customer($"cus_sched{i}"), id, created)));
        }

        using var harness = new SnapshotHarness(stripe, kafka, ledger: new InMemoryEventLedger());
        var clock = new FakeTimeProvider(now);
        var jobs = harness.Services.GetRequiredService<JobRegistry>();
        using var scheduler = NewScheduler(harness, clock, new ReconciliationOptions { Interval = TimeSpan.FromHours(1), Window = TimeSpan.FromHours(3) });
        await scheduler.StartAsync(CancellationToken.None);
        Assert.Empty(jobs.Reconciliations);

        clock.Advance(TimeSpan.FromHours(1));
        var first = await WaitForNewRunAsync(jobs, []);
        Assert.Equal(JobState.Completed, first.State);
        Assert.Equal(5, first.Delivered);
        Assert.Equal(clock.GetUtcNow().AddHours(-3), first.From);
        Assert.Equal(5, kafka.ReadRecords(harness.Topic("customer")).Count);

        clock.Advance(TimeSpan.FromHours(1));
        var second = await WaitForNewRunAsync(jobs, [first.Id]);
        Assert.Equal((0, 5), (second.Delivered, second.AlreadyCommitted));
        await scheduler.StopAsync(CancellationToken.None);
        Assert.Equal(5, kafka.ReadRecords(harness.Topic("customer")).Count);
    }

    [Fact]
    public async Task An_interval_of_zero_turns_the_schedule_off()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        using var harness = new SnapshotHarness(stripe, kafka, ledger: new InMemoryEventLedger(), settings: [("StripeCdc:Reconciliation:Interval", "0")]);
        var options = harness.Services.GetRequiredService<IOptions<ReconciliationOptions>>().Value;
        Assert.Equal(TimeSpan.Zero, options.Interval);
        Assert.Equal(TimeSpan.FromHours(3), options.Window);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var scheduler = NewScheduler(harness, clock, options);

        await scheduler.StartAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromDays(1));
        await (scheduler.ExecuteTask ?? Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(30));
        await scheduler.StopAsync(CancellationToken.None);

        Assert.True(scheduler.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Empty(harness.Services.GetRequiredService<JobRegistry>().Reconciliations);
        Assert.DoesNotContain(stripe.Log.Requests, r => r.Path == "/v1/events");
    }

    private static ReconciliationScheduler NewScheduler(SnapshotHarness harness, TimeProvider clock, ReconciliationOptions options) => new(
        harness.Services.GetRequiredService<JobRegistry>(),
        harness.Services.GetRequiredService<SourceCatalog>(),
        Options.Create(options),
        clock,
        NullLogger<ReconciliationScheduler>.Instance);

    /// <summary>Waits for the one run that is not in <paramref name="before"/> to finish.</summary>
    private static async Task<ReconciliationJob> WaitForNewRunAsync(JobRegistry jobs, IReadOnlyCollection<string> before)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var started = jobs.Reconciliations.Where(j => !before.Contains(j.Id)).ToList();
            Assert.True(started.Count <= 1, "one tick started one run per source");
            if (started is [{ State: not (JobState.Pending or JobState.Running) } run])
            {
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, "no scheduled reconciliation finished");
            await Task.Delay(50);
        }
    }
}
