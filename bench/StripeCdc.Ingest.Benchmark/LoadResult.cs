namespace StripeCdc.Ingest.Benchmark;

/// <summary>
/// What one load phase measured: successful events per second, the latency of the 2xx answers, and the
/// CPU time the server and the driver (load generator and embedded Kafka) spent per answered event.
/// CPU per event is steadier than the rate on a shared machine: a neighbour's load slows the rate but
/// does not change how much work an event takes.
/// </summary>
internal sealed record LoadResult(double EventsPerSecond, double P50Ms, double P99Ms, long Succeeded, long Failed, CpuUse Cpu)
{
    public double ServerCpuMicrosPerEvent => Succeeded == 0 ? double.NaN : Cpu.Server.TotalMicroseconds / Succeeded;

    public double DatabaseCpuMicrosPerEvent => Succeeded == 0 ? double.NaN : Cpu.Database.TotalMicroseconds / Succeeded;

    public double DriverCpuMicrosPerEvent => Succeeded == 0 ? double.NaN : Cpu.Driver.TotalMicroseconds / Succeeded;

    public static LoadResult From(List<double> latenciesMs, long failed, TimeSpan elapsed, CpuUse cpu)
    {
        latenciesMs.Sort();
        return new LoadResult(
            latenciesMs.Count / elapsed.TotalSeconds,
            Percentile(latenciesMs, 0.50),
            Percentile(latenciesMs, 0.99),
            latenciesMs.Count,
            failed,
            cpu);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
