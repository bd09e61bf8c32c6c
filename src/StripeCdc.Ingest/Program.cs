using StripeCdc.Hosting;
using StripeCdc.Ingest.Hosting;

// A start-up failure (a missing topic, an unreachable cluster or database, a bad setting) is one line and exit code 1.
return await StartupFailureReporter.RunAsync("ingest", () => IngestApplication.Build(args));
