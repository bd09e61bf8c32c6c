using Microsoft.Extensions.Configuration;

namespace StripeCdc.Configuration;

/// <summary>
/// Binds <see cref="StripeCdcOptions"/> from configuration. List settings accept a comma-separated
/// string as well as a configuration array, which the default binder does not.
/// </summary>
internal static class StripeCdcOptionsReader
{
    public static void Read(IConfiguration configuration, StripeCdcOptions options)
    {
        var root = configuration.GetSection(StripeCdcOptions.SectionName);
        foreach (var sourceSection in root.GetSection("Sources").GetChildren())
        {
            var source = new SourceOptions();
            var connect = sourceSection[nameof(SourceOptions.Connect)];
            if (connect is null || bool.TryParse(connect, out _))
            {
                sourceSection.Bind(source);
            }
            else
            {
                // Bound without it, so the validator can name the setting instead of the binder throwing.
                options.UnreadableSettings.Add($"{sourceSection.Path}:{nameof(SourceOptions.Connect)} must be true or false (was '{connect}').");
                Without(sourceSection, nameof(SourceOptions.Connect)).Bind(source);
            }

            source.SigningSecrets = ReadList(sourceSection, nameof(SourceOptions.SigningSecrets)) ?? source.SigningSecrets;
            source.FanOutFields = ReadList(sourceSection, nameof(SourceOptions.FanOutFields)) ?? source.FanOutFields;
            source.Resources = ReadList(sourceSection, nameof(SourceOptions.Resources)) ?? source.Resources;
            if (source.Resources.Count == 0)
            {
                source.Resources = [.. SourceOptions.DefaultResources];
            }

            options.Sources[sourceSection.Key] = source;
        }

        options.ModuleAssemblies.AddRange(ReadList(root, nameof(StripeCdcOptions.ModuleAssemblies)) ?? []);
    }

    /// <summary>The section's settings, relative to it, leaving one key out.</summary>
    private static IConfiguration Without(IConfigurationSection section, string key) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(section.AsEnumerable(makePathsRelative: true)
                .Where(pair => !pair.Key.Equals(key, StringComparison.OrdinalIgnoreCase)))
            .Build();

    private static List<string>? ReadList(IConfigurationSection parent, string name)
    {
        var section = parent.GetSection(name);
        if (section.Value is { } scalar)
        {
            return Split(scalar);
        }

        var items = section.GetChildren().Select(c => c.Value).OfType<string>().SelectMany(Split).ToList();
        return items.Count > 0 ? items : null;
    }

    private static List<string> Split(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
