namespace StripeCdc.Configuration;

/// <summary>The <c>StripeCdc</c> configuration section.</summary>
public sealed class StripeCdcOptions
{
    public const string SectionName = "StripeCdc";

    public Dictionary<string, SourceOptions> Sources { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Paths or names of extra assemblies whose <see cref="Pipeline.IRecordModule"/> types join the pipeline.</summary>
    public List<string> ModuleAssemblies { get; } = [];
}
