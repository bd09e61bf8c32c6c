using StripeCdc.Snapshot.Cli;
using StripeCdc.Snapshot.Hosting;

if (args.Length > 0 && CliApp.Commands.Contains(args[0], StringComparer.OrdinalIgnoreCase))
{
    return await CliApp.RunAsync(args);
}

await WorkerApp.Build(args).RunAsync();
return 0;
