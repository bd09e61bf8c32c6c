namespace StripeCdc.Configuration;

/// <summary>The <c>StripeCdc</c> configuration section.</summary>
public sealed class StripeCdcOptions
{
    public const string SectionName = "StripeCdc";

    public Dictionary<string, SourceOptions> Sources { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Paths or names of extra assemblies whose <see cref="Pipeline.IRecordModule"/> types join the pipeline.</summary>
    public List<string> ModuleAssemblies { get; } = [];

    /// <summary>Settings whose text the reader could not turn into their type; the validator reports them by name.</summary>
    internal List<string> UnreadableSettings { get; } = [];
}
