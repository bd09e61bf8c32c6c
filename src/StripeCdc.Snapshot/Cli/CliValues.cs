using System.CommandLine;
using System.Globalization;

namespace StripeCdc.Snapshot.Cli;

/// <summary>Option shapes the verbs share: comma-separated lists and UTC timestamps, checked while parsing.</summary>
internal static class CliValues
{
    /// <summary>A comma-separated list; <paramref name="check"/> returns an error for an invalid element.</summary>
    public static Option<IReadOnlyList<string>?> ListOption(string name, string description, Func<string, string?>? check = null) => new(name)
    {
        Description = description,
        HelpName = "a,b",
        CustomParser = result =>
        {
            var items = result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            if (items.Count == 0)
            {
                result.AddError($"{name} needs at least one value.");
            }

            foreach (var item in items)
            {
                if (check?.Invoke(item) is { } error)
                {
                    result.AddError(error);
                }
            }

            return items;
        },
    };

    /// <summary>An ISO 8601 time; without an offset it is UTC.</summary>
    public static Option<DateTimeOffset?> TimeOption(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "2026-11-20T00:00:00Z",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a time (ISO 8601, e.g. 2026-11-20T00:00:00Z).");
            return null;
        },
    };
}
