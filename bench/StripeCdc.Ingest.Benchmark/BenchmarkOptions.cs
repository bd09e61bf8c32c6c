using System.Globalization;

namespace StripeCdc.Ingest.Benchmark;

/// <summary>
/// Command line: <c>--duration 10 --warmup 10 --concurrency 64 [--only relay|bare|ingest] [--sinks kafka,postgres] [--distinct-objects true] [--postgres-statements true] [--baseline-build path/to/StripeCdc.Ingest.Benchmark.dll] [--rounds 1]</c>.
/// <c>--postgres-statements</c> loads <c>pg_stat_statements</c> into the Postgres server and prints where its time went.
/// The max rate is the best closed-loop rate over the listed client counts (a server that batches needs
/// more clients to fill). <c>--sinks</c> measures the ingest once per listed sink instead of against the relay.
/// <c>--baseline-build</c> names another build of this benchmark (an earlier commit's) whose ingest is measured in
/// the same run, alternating with this build's for <c>--rounds</c> rounds, so a change is compared on the same box at the same time;
/// with <c>--sinks</c>, per sink (for Postgres on the same server, a fresh database per measurement).
/// </summary>
internal sealed record BenchmarkOptions(TimeSpan Duration, TimeSpan Warmup, int[] Concurrency, string? Only, string[]? Sinks = null, bool DistinctObjects = false, bool PostgresStatements = false, string? BaselineBuild = null, int Rounds = 1)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        static int[] Concurrency(string list) => [.. list.Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))];

        int Get(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new BenchmarkOptions(TimeSpan.FromSeconds(Get("duration", 10)), TimeSpan.FromSeconds(Get("warmup", 10)), Concurrency(values.GetValueOrDefault("concurrency") ?? "64"), values.GetValueOrDefault("only"),
            values.TryGetValue("sinks", out var sinks) ? sinks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null,
            values.TryGetValue("distinct-objects", out var distinct) && bool.Parse(distinct),
            values.TryGetValue("postgres-statements", out var statements) && bool.Parse(statements),
            values.GetValueOrDefault("baseline-build"),
            Get("rounds", 1));
    }
}
