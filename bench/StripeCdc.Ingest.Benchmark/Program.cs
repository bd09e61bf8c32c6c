using StripeCdc.Ingest.Benchmark;

return args.FirstOrDefault() switch
{
    ServerMode.Bare => await ServerMode.RunBareAsync(args[1..]),
    ServerMode.Ingest => await ServerMode.RunIngestAsync(args[1..]),
    RelayServer.Mode => await RelayServer.RunAsync(args[1..]),
    "--allocations" => await AllocationProbe.RunAsync(),
    LedgerStartupBenchmark.Mode => await LedgerStartupBenchmark.RunAsync(args[1..]),
    _ => await Driver.RunAsync(BenchmarkOptions.Parse(args)),
};
