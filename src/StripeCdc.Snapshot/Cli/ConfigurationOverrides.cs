namespace StripeCdc.Snapshot.Cli;

/// <summary>
/// Splits <c>--Section:Key=value</c> (or <c>--Section:Key value</c>) arguments, which override one
/// setting each, from the verbs and options that <see cref="System.CommandLine"/> parses. An argument is
/// an override when its name (before any <c>=</c>) holds a <c>:</c>.
/// </summary>
internal static class ConfigurationOverrides
{
    public static (List<string> CommandLine, List<string> Overrides) Split(IReadOnlyList<string> args)
    {
        var commandLine = new List<string>();
        var overrides = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg : arg[..equals];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || !name.Contains(':', StringComparison.Ordinal))
            {
                commandLine.Add(arg);
                continue;
            }

            if (equals >= 0)
            {
                overrides.Add(arg);
            }
            else if (i + 1 < args.Count)
            {
                overrides.Add($"{arg}={args[++i]}");
            }
            else
            {
                throw new ArgumentException($"{arg} needs a value (--Section:Key=value).");
            }
        }

        return (commandLine, overrides);
    }
}
