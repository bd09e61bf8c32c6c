using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Snapshots;
using StripeCdc.Testing;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Telemetry;

namespace StripeCdc.Snapshot.Tests;

public sealed class SnapshotMetricsTests
{
    [Fact]
    public async Task Objects_read_are_counted_per_resource_and_the_rate_is_observable_while_running()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        FakeStripeSeeder.Seed(stripe.Data, "customer", 150);
        FakeStripeSeeder.Seed(stripe.Data, "coupon", 40);
        stripe.Faults.PageDelay = TimeSpan.FromMilliseconds(300);
        using var harness = new SnapshotHarness(stripe, kafka: null, sink: new CapturingSink());
        // Only this harness's meters: other tests snapshot in parallel in the same process.
        var meterFactory = (IMeterFactory)harness.Services.GetService(typeof(IMeterFactory))!;
        var counts = new ConcurrentDictionary<string, long>();
        var rates = new ConcurrentBag<(string Resource, double Rate)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Meter.Name == StripeCdcTelemetry.MeterName && instrument.Name.StartsWith("stripecdc.snapshot.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            counts.AddOrUpdate(Resource(tags), value, (_, total) => total + value));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => rates.Add((Resource(tags), value)));
        listener.Start();

        var run = harness.SnapshotAsync("customer", "coupon");
        while (!run.IsCompleted)
        {
            listener.RecordObservableInstruments();
            await Task.Delay(100);
        }

        await run;
        Assert.Equal(150, counts["customer"]);
        Assert.Equal(40, counts["coupon"]);
        Assert.Contains(rates, r => r.Resource == "customer" && r.Rate > 0);
    }

    [Fact]
    public async Task A_connected_accounts_objects_are_counted_as_connected_and_the_platforms_as_platform_never_by_account_id()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        FakeStripeSeeder.Seed(stripe.Data, "customer", 7);
        FakeStripeSeeder.Seed(stripe.Accounts.Add("acct_1MetricsA"), "customer", 20);
        FakeStripeSeeder.Seed(stripe.Accounts.Add("acct_1MetricsB"), "customer", 30);
        using var harness = new SnapshotHarness(stripe, kafka: null, settings: [("Connect", "true")], sink: new CapturingSink());
        var meterFactory = (IMeterFactory)harness.Services.GetService(typeof(IMeterFactory))!;
        var counts = new ConcurrentDictionary<string, long>();
        var tagNames = new ConcurrentDictionary<string, bool>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Name == "stripecdc.snapshot.objects")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var kind = "";
            foreach (var tag in tags)
            {
                tagNames[tag.Key] = true;
                kind = tag.Key == AccountKind.TagName ? (string)tag.Value! : kind;
            }

            counts.AddOrUpdate(kind, value, (_, total) => total + value);
        });
        listener.Start();

        await harness.SnapshotAsync("customer");
        var accounts = new SnapshotJob("snap_metrics_accounts", "default", ["customer"], restart: false, TimeProvider.System, accounts: ["all"]);
        await harness.Services.GetRequiredService<SnapshotRunner>().RunAsync(accounts, CancellationToken.None);

        Assert.Equal(JobState.Completed, accounts.State);
        Assert.Equal(new Dictionary<string, long> { [AccountKind.Platform] = 7, [AccountKind.Connected] = 50 }, counts.ToDictionary());
        Assert.Equal(["stripecdc.resource", AccountKind.TagName], tagNames.Keys.Order(StringComparer.Ordinal).Reverse());
    }

    private static string Resource(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "stripecdc.resource")
            {
                return (string)tag.Value!;
            }
        }

        return "";
    }
}
