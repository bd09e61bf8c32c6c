using Microsoft.Extensions.Time.Testing;
using StripeCdc.Telemetry;
using StripeCdc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace StripeCdc.Modules.Tests.Telemetry;

public sealed class PipelineStatisticsTests
{
    [Fact]
    public void The_event_rate_counts_the_last_ten_seconds_only()
    {
        var time = new FakeTimeProvider();
        var statistics = new PipelineStatistics(time);
        for (var i = 0; i < 30; i++)
        {
            statistics.EventHandled("produced");
        }

        Assert.Equal(3.0, statistics.Snapshot().EventsPerSecond);
        time.Advance(TimeSpan.FromSeconds(11));
        statistics.EventHandled("produced");

        var snapshot = statistics.Snapshot();
        Assert.Equal(0.1, snapshot.EventsPerSecond, precision: 6);
        Assert.Equal(31, snapshot.EventsByOutcome["produced"]);
    }

    [Fact]
    public async Task Dead_letters_by_reason_come_from_the_pipeline_and_records_by_topic_from_the_sink_metrics()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("FanOutFields", "charge.refunds")));
        var metrics = harness.Services.GetRequiredService<StripeCdcMetrics>();
        var sinkCounting = harness.Sink; // the Kafka sink reports RecordProduced; the capturing sink does not, so the test does

        await harness.ProcessAsync(StripeObjects.Event("charge.refunded", StripeObjects.Charge(refunds: 2)));
        await harness.ProcessAsync("not json");
        foreach (var record in sinkCounting.Records)
        {
            metrics.RecordProduced(record.Topic);
        }

        var snapshot = harness.Services.GetRequiredService<PipelineStatistics>().Snapshot();
        Assert.Equal(1, snapshot.RecordsByTopic["charge"]);
        Assert.Equal(2, snapshot.RecordsByTopic["charge_refunds"]);
        Assert.Equal(1, snapshot.RecordsByTopic["stripe_dlq"]);
        Assert.Equal(1, snapshot.DeadLettersByReason["malformed"]);
    }
}
