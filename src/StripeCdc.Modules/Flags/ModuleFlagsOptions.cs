namespace StripeCdc.Flags;

/// <summary>The shared module switches' settings (<c>StripeCdc:ModuleFlags</c>).</summary>
public sealed class ModuleFlagsOptions
{
    public const string SectionName = "StripeCdc:ModuleFlags";

    /// <summary>The compacted topic holding the latest switch of each module (key the module name, value <c>true</c>/<c>false</c>).</summary>
    public string Topic { get; set; } = "stripecdc_module_flags";

    /// <summary>How long start-up may take to read the switches before it goes on without them.</summary>
    public TimeSpan LoadTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
