using System.Reflection;

namespace StripeCdc.AppHost.Hosting;

/// <summary>The build configuration of the AppHost, used to find the other projects' outputs.</summary>
internal static class ProjectConfiguration
{
    public static string Name { get; } =
        typeof(ProjectConfiguration).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
}
