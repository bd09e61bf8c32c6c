namespace StripeCdc.Ingest.Benchmark;

/// <summary>What one load phase measured: successful events per second and the latency of the 2xx answers.</summary>
internal sealed record LoadResult(double EventsPerSecond, double P50Ms, double P99Ms, long Succeeded, long Failed)
{
    public static LoadResult From(List<double> latenciesMs, long failed, TimeSpan elapsed)
    {
        latenciesMs.Sort();
        return new LoadResult(
            latenciesMs.Count / elapsed.TotalSeconds,
            Percentile(latenciesMs, 0.50),
            Percentile(latenciesMs, 0.99),
            latenciesMs.Count,
            failed);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
