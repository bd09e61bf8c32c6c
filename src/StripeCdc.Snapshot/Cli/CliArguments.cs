namespace StripeCdc.Snapshot.Cli;

/// <summary>
/// A command line split into the command words, <c>--name value</c> options and <c>--flag</c>s. Options
/// whose name holds a <c>:</c> (<c>--StripeCdc:Snapshot:RequestsPerSecond=5</c>) are configuration overrides.
/// </summary>
internal sealed class CliArguments
{
    private static readonly HashSet<string> Flags = new(StringComparer.OrdinalIgnoreCase) { "restart", "failed-only", "disable", "enable", "help" };

    private readonly Dictionary<string, string> _options = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _flags = new(StringComparer.OrdinalIgnoreCase);

    private CliArguments()
    {
    }

    public List<string> Words { get; } = [];

    public List<string> ConfigurationOverrides { get; } = [];

    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var parsed = new CliArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                parsed.Words.Add(arg);
                continue;
            }

            var name = arg[2..];
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (name.Contains(':', StringComparison.Ordinal))
            {
                parsed.ConfigurationOverrides.Add(value is null && i + 1 < args.Count ? $"--{name}={args[++i]}" : arg);
                continue;
            }

            if (value is null && Flags.Contains(name))
            {
                parsed._flags.Add(name);
                continue;
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw new ArgumentException($"--{name} needs a value.");
                }

                value = args[++i];
            }

            parsed._options[name] = value;
        }

        return parsed;
    }

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public bool Flag(string name) => _flags.Contains(name);

    public IReadOnlyList<string>? List(string name) =>
        Option(name) is { } value ? value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
}
