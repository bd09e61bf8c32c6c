using System.Diagnostics.Metrics;
using StripeCdc.Telemetry;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// SPEC §10's counters: state rows applied, and changes the ordering guard ignored (<c>stale</c>),
/// resolved by arrival (<c>tie</c>) or by re-reading Stripe (<c>revalidated</c>), by table (names in <see cref="OutcomeNames"/>).
/// </summary>
internal sealed class PostgresSinkMetrics
{
    private readonly Counter<long> _rows;
    private readonly Counter<long> _commits;
    private readonly Histogram<long> _eventsPerCommit;
    private readonly Dictionary<string, long> _totals = new(StringComparer.Ordinal);

    public PostgresSinkMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(StripeCdcTelemetry.MeterName);
        _rows = meter.CreateCounter<long>("stripecdc.postgres.rows", "{row}", "State-table changes by table and outcome (applied, stale, tie, revalidated).");
        _commits = meter.CreateCounter<long>("stripecdc.postgres.commits", "{transaction}", "Transactions committed by the Postgres sink.");
        _eventsPerCommit = meter.CreateHistogram<long>("stripecdc.postgres.commit.events", "{event}", "Events sharing one transaction (group commit).");
    }

    public void Row(string table, string outcome)
    {
        _rows.Add(1, new("stripecdc.table", table), new("stripecdc.outcome", outcome));
        lock (_totals)
        {
            _totals[outcome] = _totals.GetValueOrDefault(outcome) + 1;
        }
    }

    public void Committed(int events)
    {
        _commits.Add(1);
        _eventsPerCommit.Record(events);
    }

    /// <summary>Totals by outcome since start (for tests and diagnostics).</summary>
    public long Total(string outcome)
    {
        lock (_totals)
        {
            return _totals.GetValueOrDefault(outcome);
        }
    }
}
