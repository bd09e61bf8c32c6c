namespace StripeCdc.AppHost.Hosting;

/// <summary>A .NET project run as a child process with the Aspire environment.</summary>
internal sealed class ProjectResource(string name, string projectPath) : IResource
{
    public string Name { get; } = name;

    /// <summary>The .csproj file.</summary>
    public string ProjectPath { get; } = projectPath;

    /// <summary>The HTTP port; 0 picks a free one at start.</summary>
    public int HttpPort { get; set; }

    public List<IResource> References { get; } = [];

    public List<IResource> WaitsFor { get; } = [];

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public string HealthPath { get; set; } = "/health";
}
