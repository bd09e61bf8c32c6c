using System.CommandLine;
using System.CommandLine.Help;

namespace StripeCdc.Snapshot.Cli;

/// <summary>
/// The command-line mode, parsed by System.CommandLine: <c>snapshot</c>, <c>reconcile</c>,
/// <c>webhooks create|list|update|delete</c> and <c>dlq replay</c>, each with <c>--help</c>.
/// <c>--Section:Key=value</c> overrides a setting. Exit codes: <see cref="ExitCodes"/>.
/// </summary>
internal static class CliApp
{
    /// <summary>First arguments that select the command-line mode; anything else runs the worker.</summary>
    public static readonly string[] Commands = ["snapshot", "reconcile", "webhooks", "dlq", "help", "--help", "-h", "-?", "--version"];

    public static async Task<int> RunAsync(
        string[] args,
        TextWriter? output = null,
        TextWriter? error = null,
        Action<IServiceCollection>? configureServices = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        List<string> commandLine;
        List<string> overrides;
        try
        {
            (commandLine, overrides) = ConfigurationOverrides.Split(args);
        }
        catch (ArgumentException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return ExitCodes.Usage;
        }

        if (commandLine.Count > 0 && commandLine[0] == "help")
        {
            commandLine = [.. commandLine.Skip(1), "--help"];
        }

        var context = new CliContext(overrides, output, error, configureServices);
        var root = new RootCommand(
            "StripeCdc.Snapshot — backfill, reconcile, register webhooks and replay the DLQ. Without a command it runs as a worker "
                + "with an admin API (POST /snapshots, POST /reconciliations). Settings come from configuration "
                + "(StripeCdc:Sources:<name>, ConnectionStrings:kafka, StripeCdc:StripeApi, StripeCdc:Snapshot); --Section:Key=value overrides one.")
        {
            context.Source,
            SnapshotVerb.Create(context),
            ReconcileVerb.Create(context),
            WebhooksVerb.Create(context),
            DlqReplayVerb.Create(context),
        };

        var parsed = root.Parse(commandLine);
        if (parsed.Action is not HelpAction && parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync(parseError.Message);
            }

            await error.WriteLineAsync($"See '{string.Join(' ', CommandPath(parsed.CommandResult.Command))} --help'.");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    private static IEnumerable<string> CommandPath(Command command)
    {
        var path = new Stack<string>();
        for (Symbol? symbol = command; symbol is Command current; symbol = current.Parents.FirstOrDefault())
        {
            path.Push(current is RootCommand ? "StripeCdc.Snapshot" : current.Name);
        }

        return path;
    }
}
