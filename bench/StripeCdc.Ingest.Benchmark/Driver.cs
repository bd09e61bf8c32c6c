using System.Globalization;
using Microsoft.Extensions.Configuration;
using StripeCdc.EmbeddedKafka;
using StripeCdc.Ingest.Hosting;
using StripeCdc.Testing;

namespace StripeCdc.Ingest.Benchmark;

/// <summary>
/// Runs the servers against the same load in one run: (a) a minimal durable relay (one acks=all produce
/// per event) and (b) the ingest (signature, routing, metadata, fan-out, dedupe ledger, acks=all), both on
/// an embedded 3-broker cluster living in this process, and optionally (b0) a baseline build's ingest.
/// For each: max rate with N closed-loop clients, then latency at half that rate, and the server
/// process's peak RSS.
/// </summary>
internal static class Driver
{
    private const string Secret = "whsec_benchmark_5fX2kP9qL3mN7rT1";
    private const string ApiKey = "benchmark-api-key-0123456789";
    private const string RelayLabel = "(a) durable relay (read the body, one acks=all produce, await, 200)";

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        using var cluster = EmbeddedKafkaCluster.Start(brokerCount: 3);
        var ingestEnvironment = new Dictionary<string, string>
        {
            ["ConnectionStrings__kafka"] = cluster.BootstrapServers,
            ["StripeCdc__Sources__default__ApiKey"] = ApiKey,
            ["StripeCdc__Sources__default__SigningSecrets"] = Secret,
            ["StripeCdc__Sources__default__FanOutFields"] = "invoice.lines,charge.refunds",
            ["StripeCdc__Ingest__ApiKeyFolder"] = Path.Combine(Path.GetTempPath(), "stripecdc-bench-keys"),
            ["Logging__LogLevel__Default"] = "Warning",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(ingestEnvironment.ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value))
            .Build();
        foreach (var topic in EmbeddedKafkaStartup.Topics(configuration))
        {
            cluster.CreateTopic(topic);
        }

        // As many connections as the most clients of the closed loop, and no more: the open-loop phase
        // then queues in the client when the server falls behind (and the wait counts in the latency)
        // instead of opening hundreds of new connections in a burst.
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency.Max() };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        Console.WriteLine($"StripeCdc ingest benchmark: {Environment.ProcessorCount} cores, {string.Join("/", options.Concurrency)} clients, {options.Duration.TotalSeconds:0} s per phase after {options.Warmup.TotalSeconds:0} s warm-up");
        Console.WriteLine($"events: customer.updated {EventSource.Sizes[0]} B, charge.refunded {EventSource.Sizes[1]} B (+4 refunds fanned out), invoice.paid {EventSource.Sizes[2]} B (+4 lines fanned out)");

        if (options.Sinks is { Length: > 0 } sinks)
        {
            return await CompareSinksAsync(sinks, ingestEnvironment, client, options);
        }

        cluster.CreateTopic(RelayServer.Topic);
        var relayEnvironment = new Dictionary<string, string>
        {
            ["ConnectionStrings__kafka"] = cluster.BootstrapServers,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        var ingestPath = $"/webhooks/stripe?api_key={ApiKey}";
        switch (options.Only)
        {
            case "ingest":
                await MeasureAsync("(b) ingest", ServerMode.Ingest, ingestEnvironment, ingestPath, client, options);
                return 0;
            case "relay":
                await MeasureAsync(RelayLabel, RelayServer.Mode, relayEnvironment, "/webhooks/stripe", client, options);
                return 0;
            case "bare":
                await MeasureAsync("bare Kestrel (reads the body, answers 200; nothing durable)", ServerMode.Bare, relayEnvironment, "/webhooks/stripe", client, options);
                return 0;
        }

        var relay = await MeasureAsync(RelayLabel, RelayServer.Mode, relayEnvironment, "/webhooks/stripe", client, options);
        var before = new List<Measurement>();
        var after = new List<Measurement>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var ofRounds = options.Rounds > 1 ? $", round {round}/{options.Rounds}" : string.Empty;
            if (options.BaselineBuild is { } baseline)
            {
                before.Add(await MeasureAsync($"(b0) ingest, baseline build {baseline}{ofRounds}", ServerMode.Ingest, ingestEnvironment, ingestPath, client, options, build: baseline));
            }

            after.Add(await MeasureAsync($"(b) ingest{ofRounds}", ServerMode.Ingest, ingestEnvironment, ingestPath, client, options));
        }

        var ingest = Mean(after);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio b/a (max events/s, ingest / durable relay): {ingest.EventsPerSecond / relay.Max.EventsPerSecond:0.00}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingest p99 at half max rate: {ingest.HalfP99Ms:0.0} ms   (target ≤ 25 ms; relay {relay.Half.P99Ms:0.0} ms)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingest peak RSS: {ingest.PeakRssMb:0} MB   (target ≤ 300 MB)"));
        if (before.Count > 0)
        {
            var baselineIngest = Mean(before);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"this build vs baseline build (mean of {before.Count} round(s)): max {ingest.EventsPerSecond:0} vs {baselineIngest.EventsPerSecond:0} events/s ({ingest.EventsPerSecond / baselineIngest.EventsPerSecond - 1:+0.0%;-0.0%}), p99 at half {ingest.HalfP99Ms:0.0} vs {baselineIngest.HalfP99Ms:0.0} ms, server CPU/event {ingest.ServerCpuMicros:0} vs {baselineIngest.ServerCpuMicros:0} µs, peak RSS {ingest.PeakRssMb:0} vs {baselineIngest.PeakRssMb:0} MB"));
        }

        return 0;
    }

    /// <summary>
    /// The ingest with each sink in turn, same load, same run: Kafka (the embedded cluster) and Postgres
    /// (Debian's server in a temp folder, default settings, fsync on; its own CPU is printed apart as "Postgres").
    /// With <c>--baseline-build</c>, each sink also runs the baseline build's ingest on the same brokers or the
    /// same Postgres server (a fresh database for every measurement), alternating with this build's for
    /// <c>--rounds</c> rounds, and prints both with their ratio.
    /// </summary>
    private static async Task<int> CompareSinksAsync(string[] sinks, Dictionary<string, string> kafkaEnvironment, HttpClient client, BenchmarkOptions options)
    {
        var results = new List<(string Sink, Measurement Result)>();
        var comparisons = new List<(string Sink, List<Measurement> Before, List<Measurement> After)>();
        foreach (var sink in sinks)
        {
            var isPostgres = string.Equals(sink, "postgres", StringComparison.OrdinalIgnoreCase);
            using var postgres = isPostgres
                ? PostgresServer.Start(options.PostgresStatements ? new Dictionary<string, string> { ["shared_preload_libraries"] = "pg_stat_statements,auto_explain", ["auto_explain.log_min_duration"] = "20", ["auto_explain.log_analyze"] = "on" } : null)
                : null;
            var label = isPostgres ? "ingest → Postgres (state tables, event_ledger, group commit)" : "ingest → Kafka (acks=all, 3 brokers)";
            var before = new List<Measurement>();
            var after = new List<Measurement>();
            string? database = null;

            // The first measurement of a run also warms the driver, the load generator and the server's caches
            // (its driver CPU per event is two to three times the later ones'): with a baseline to compare
            // against, that measurement is made once more and not counted.
            var uncounted = options.BaselineBuild is null ? 0 : 1;
            for (var round = 1 - uncounted; round <= options.Rounds; round++)
            {
                var ofRounds = round == 0 ? ", warm-up (not counted)" : options.Rounds > 1 ? $", round {round}/{options.Rounds}" : string.Empty;

                // Baseline first in odd rounds, this build first in even ones, so a drift of the machine's speed
                // within a round does not always favour the same build.
                foreach (var isBaseline in options.BaselineBuild is null || round == 0 ? [false] : round % 2 == 1 ? new[] { true, false } : [false, true])
                {
                    var environment = new Dictionary<string, string>(kafkaEnvironment);
                    if (postgres is not null)
                    {
                        database = await postgres.CreateDatabaseAsync("bench");
                        environment["StripeCdc__Sink"] = "Postgres";
                        environment["ConnectionStrings__postgres"] = database;
                        environment.Remove("ConnectionStrings__kafka");
                    }

                    var measured = await MeasureAsync(
                        isBaseline ? $"(b0) {label}, baseline build {options.BaselineBuild}{ofRounds}" : $"(b) {label}{ofRounds}",
                        ServerMode.Ingest,
                        environment,
                        $"/webhooks/stripe?api_key={ApiKey}",
                        client,
                        options,
                        postgres?.ProcessId,
                        build: isBaseline ? options.BaselineBuild : null);
                    if (round > 0)
                    {
                        (isBaseline ? before : after).Add(measured);
                    }
                }
            }

            results.Add((sink, after[^1]));
            if (before.Count > 0)
            {
                comparisons.Add((sink, before, after));
            }

            if (postgres is not null && database is not null && options.PostgresStatements)
            {
                await PrintStatementsAsync(database);
                File.Copy(postgres.LogPath, Path.Combine(Path.GetTempPath(), "stripecdc-bench-postgres.log"), overwrite: true);
            }
        }

        Console.WriteLine();
        foreach (var (sink, result) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{sink,-9} max {result.Max.EventsPerSecond,6:0} events/s   p99 at half {result.Half.P99Ms,6:0.0} ms   peak RSS {result.PeakRssBytes / 1048576.0,4:0} MB"));
        }

        foreach (var (sink, before, after) in comparisons)
        {
            Console.WriteLine();
            Console.WriteLine($"{sink}: this build (b) vs baseline build (b0), per round");
            for (var i = 0; i < after.Count; i++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  round {i + 1}: max {after[i].Max.EventsPerSecond:0} vs {before[i].Max.EventsPerSecond:0} events/s (ratio {after[i].Max.EventsPerSecond / before[i].Max.EventsPerSecond:0.00}), p99 at half {after[i].Half.P99Ms:0.0} vs {before[i].Half.P99Ms:0.0} ms, server CPU/event {after[i].Max.ServerCpuMicrosPerEvent:0} vs {before[i].Max.ServerCpuMicrosPerEvent:0} µs{(after[i].Max.Cpu.Database > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $", Postgres CPU/event {after[i].Max.DatabaseCpuMicrosPerEvent:0} vs {before[i].Max.DatabaseCpuMicrosPerEvent:0} µs") : string.Empty)}"));
            }

            var (b, b0) = (Mean(after), Mean(before));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  mean of {after.Count}: max {b.EventsPerSecond:0} vs {b0.EventsPerSecond:0} events/s (ratio {b.EventsPerSecond / b0.EventsPerSecond:0.00}), p99 at half {b.HalfP99Ms:0.0} vs {b0.HalfP99Ms:0.0} ms, server CPU/event {b.ServerCpuMicros:0} vs {b0.ServerCpuMicros:0} µs, peak RSS {b.PeakRssMb:0} vs {b0.PeakRssMb:0} MB"));
        }

        Console.WriteLine("targets for Postgres: ≥ 4,000 events/s, p99 ≤ 50 ms at half that rate, RSS ≤ 300 MB");
        return 0;
    }

    /// <summary>Where Postgres's time went over the whole run: the statements with the most execution time.</summary>
    private static async Task PrintStatementsAsync(string connectionString)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new Npgsql.NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT calls, total_exec_time, max_exec_time, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 160) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Console.WriteLine("  pg_stat_statements (whole run): calls, total ms, max ms, rows, statement");
        while (await reader.ReadAsync())
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {reader.GetInt64(0),8} {reader.GetDouble(1),9:0} {reader.GetDouble(2),7:0} {reader.GetInt64(3),8}  {reader.GetString(4)}"));
        }
    }

    private static async Task<Measurement> MeasureAsync(string label, string mode, Dictionary<string, string> environment, string path, HttpClient client, BenchmarkOptions options, int? databasePid = null, string? build = null)
    {
        await using var server = await ChildServer.StartAsync(mode, environment, client, build);
        var load = new LoadGenerator(client, new Uri(server.Address, path).ToString(), new EventSource(Secret, options.DistinctObjects), new CpuClock(server.ProcessId, databasePid));
        Console.WriteLine();
        Console.WriteLine(label);
        LoadResult? max = null;
        var warmup = options.Warmup;
        foreach (var clients in options.Concurrency)
        {
            var result = await load.ClosedLoopAsync(clients, warmup, options.Duration);
            Print($"  {clients,3} clients", result);
            max = max is null || result.EventsPerSecond > max.EventsPerSecond ? result : max;
            warmup = TimeSpan.FromSeconds(1);
        }

        // The closed-loop phase leaves the driver with tens of megabytes of latency samples to collect;
        // collect them now rather than in the middle of the latency measurement.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var half = await load.FixedRateAsync(max!.EventsPerSecond / 2, TimeSpan.FromSeconds(2), options.Duration);
        var measurement = new Measurement(max, half, server.PeakRssBytes);
        Print("  half max ", half);
        if (!load.FailedStatuses.IsEmpty)
        {
            Console.WriteLine("  non-2xx    " + string.Join(", ", load.FailedStatuses.Select(f => $"{f.Key}: {f.Value}")));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  peak RSS   {server.PeakRssBytes / 1048576.0:0} MB"));
        return measurement;
    }

    private static void Print(string label, LoadResult result) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}  {result.EventsPerSecond,8:0} events/s   p50 {result.P50Ms,6:0.00} ms   p99 {result.P99Ms,6:0.00} ms   2xx {result.Succeeded}   failed {result.Failed}   CPU/event: server {result.ServerCpuMicrosPerEvent,4:0} µs, driver {result.DriverCpuMicrosPerEvent,4:0} µs{(result.Cpu.Database > TimeSpan.Zero ? $", Postgres {result.DatabaseCpuMicrosPerEvent,4:0} µs" : string.Empty)}"));

    private static MeanMeasurement Mean(List<Measurement> rounds) => new(
        rounds.Average(m => m.Max.EventsPerSecond),
        rounds.Average(m => m.Half.P99Ms),
        rounds.Average(m => m.Max.ServerCpuMicrosPerEvent),
        rounds.Average(m => m.PeakRssBytes) / 1048576.0);

    private sealed record Measurement(LoadResult Max, LoadResult Half, long PeakRssBytes);

    private sealed record MeanMeasurement(double EventsPerSecond, double HalfP99Ms, double ServerCpuMicros, double PeakRssMb);
}
