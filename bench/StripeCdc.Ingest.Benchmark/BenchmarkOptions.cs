using System.Globalization;

namespace StripeCdc.Ingest.Benchmark;

/// <summary>Command line: <c>--duration 10 --warmup 10 --concurrency 64 [--only bare|ingest]</c>.</summary>
internal sealed record BenchmarkOptions(TimeSpan Duration, TimeSpan Warmup, int Concurrency, string? Only)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        int Get(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new BenchmarkOptions(TimeSpan.FromSeconds(Get("duration", 10)), TimeSpan.FromSeconds(Get("warmup", 10)), Get("concurrency", 64), values.GetValueOrDefault("only"));
    }
}
