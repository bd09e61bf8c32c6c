namespace StripeCdc.Ingest.Benchmark;

/// <summary>
/// CPU time (user + system) spent during a phase by the server process, by the driver process and by
/// the database server's process tree (zero without one).
/// </summary>
internal readonly record struct CpuUse(TimeSpan Server, TimeSpan Driver, TimeSpan Database = default);
