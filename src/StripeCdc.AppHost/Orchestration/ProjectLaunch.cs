using System.Diagnostics;
using StripeCdc.AppHost.Hosting;

namespace StripeCdc.AppHost.Orchestration;

/// <summary>How to start a project: its built assembly (built on demand) and its Aspire environment.</summary>
internal static class ProjectLaunch
{
    public static async Task<string> FindOrBuildAssemblyAsync(ProjectResource project, ResourceLogStore logs, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(project.ProjectPath)!;
        var name = Path.GetFileNameWithoutExtension(project.ProjectPath);
        var assembly = Path.Combine(folder, "bin", ProjectConfiguration.Name, "net10.0", name + ".dll");
        if (File.Exists(assembly))
        {
            return assembly;
        }

        logs.Append(project.Name, $"Building {name} ({ProjectConfiguration.Name})…", isError: false);
        using var build = Process.Start(new ProcessStartInfo("dotnet", ["build", project.ProjectPath, "-c", ProjectConfiguration.Name, "--nologo", "-v", "q"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = build.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = build.StandardError.ReadToEndAsync(cancellationToken);
        await build.WaitForExitAsync(cancellationToken);
        foreach (var line in (await output + await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            logs.Append(project.Name, line, isError: build.ExitCode != 0);
        }

        return build.ExitCode == 0 && File.Exists(assembly)
            ? assembly
            : throw new InvalidOperationException($"Could not build {project.ProjectPath}.");
    }

    public static Dictionary<string, string> Environment(
        ProjectResource project,
        int port,
        string otlpEndpoint,
        IReadOnlyDictionary<string, string> serviceUrls,
        string environmentName,
        string adminToken)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [KnownEnvironmentVariables.AspNetCoreUrls] = $"http://127.0.0.1:{port}",
            [KnownEnvironmentVariables.AspNetCoreEnvironment] = environmentName,
            [KnownEnvironmentVariables.DotNetEnvironment] = environmentName,
            [KnownEnvironmentVariables.OtlpEndpoint] = otlpEndpoint,
            [KnownEnvironmentVariables.OtlpProtocol] = "http/protobuf",
            [KnownEnvironmentVariables.OtelServiceName] = project.Name,
            [KnownEnvironmentVariables.OtelResourceAttributes] = $"service.instance.id={Guid.NewGuid():N}",
            [KnownEnvironmentVariables.OtelBatchScheduleDelay] = "1000",
            [KnownEnvironmentVariables.OtelMetricExportInterval] = "1000",
            [KnownEnvironmentVariables.OtelTracesSampler] = "always_on",
            [KnownEnvironmentVariables.AdminToken] = adminToken,
            [KnownEnvironmentVariables.AppHostProcessId] = System.Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        foreach (var reference in project.References)
        {
            switch (reference)
            {
                case IResourceWithConnectionString { ConnectionString: { } connectionString }:
                    environment[KnownEnvironmentVariables.ConnectionString(reference.Name)] = connectionString;
                    break;
                case ProjectResource when serviceUrls.TryGetValue(reference.Name, out var url):
                    environment[KnownEnvironmentVariables.ServiceEndpoint(reference.Name, "http", 0)] = url;
                    break;
            }
        }

        foreach (var (name, value) in project.Environment)
        {
            environment[name] = value;
        }

        return environment;
    }
}
