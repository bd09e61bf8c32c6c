using System.Reflection;

namespace StripeCdc.AppHost.Services;

/// <summary>Where a project of this repository has its built assembly, for the configuration the AppHost was built in.</summary>
internal static class BuildOutput
{
    private const string TargetFramework = "net10.0";

    private static readonly string Configuration =
        typeof(BuildOutput).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string AssemblyPath(string projectPath) => Path.Combine(
        Path.GetDirectoryName(projectPath)!, "bin", Configuration, TargetFramework, Path.GetFileNameWithoutExtension(projectPath) + ".dll");
}
