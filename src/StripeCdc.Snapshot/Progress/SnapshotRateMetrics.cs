using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using StripeCdc.Telemetry;

namespace StripeCdc.Snapshot.Progress;

/// <summary>
/// The running snapshots' read rate as a gauge, <c>stripecdc.snapshot.rate</c> (objects/s by source and
/// resource), on StripeCdc's meter beside the <c>stripecdc.snapshot.objects</c> counter.
/// </summary>
internal sealed class SnapshotRateMetrics
{
    private readonly ConcurrentDictionary<SnapshotJob, bool> _running = new();

    public SnapshotRateMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(StripeCdcTelemetry.MeterName);
        meter.CreateObservableGauge("stripecdc.snapshot.rate", Observe, "{object}/s", "Objects read per second by a running snapshot, by source and resource.");
    }

    public void Started(SnapshotJob job) => _running[job] = true;

    public void Finished(SnapshotJob job) => _running.TryRemove(job, out _);

    private IEnumerable<Measurement<double>> Observe() =>
        _running.Keys.SelectMany(job => job.Resources
            .Where(r => r.State == JobState.Running)
            .Select(r => new Measurement<double>(
                r.ObjectsPerSecond,
                new KeyValuePair<string, object?>("stripecdc.source", job.Source),
                new KeyValuePair<string, object?>("stripecdc.resource", r.Resource))));
}
