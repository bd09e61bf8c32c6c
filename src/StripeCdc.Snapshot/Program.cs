using StripeCdc.Hosting;
using StripeCdc.Snapshot.Cli;
using StripeCdc.Snapshot.Hosting;

if (args.Length > 0 && CliApp.Commands.Contains(args[0], StringComparer.OrdinalIgnoreCase))
{
    return await CliApp.RunAsync(args);
}

// A start-up failure (a missing topic, an unreachable cluster or database, a bad setting) is one line and exit code 1.
return await StartupFailureReporter.RunAsync("snapshot worker", () => WorkerApp.Build(args));
