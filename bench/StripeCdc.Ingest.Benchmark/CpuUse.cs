namespace StripeCdc.Ingest.Benchmark;

/// <summary>CPU time (user + system) spent during a phase by the server process and by the driver process.</summary>
internal readonly record struct CpuUse(TimeSpan Server, TimeSpan Driver);
