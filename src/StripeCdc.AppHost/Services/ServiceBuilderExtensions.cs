namespace StripeCdc.AppHost.Services;

internal static class ServiceBuilderExtensions
{
    /// <summary>
    /// What every StripeCdc service of the stack gets: the admin token (as a file), the sample team module
    /// (loaded, switched off) and a launch that lets the service stop gracefully.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithStripeCdcService(this IResourceBuilder<ProjectResource> builder, LocalSecrets secrets)
    {
        var sampleModule = BuildOutput.AssemblyPath(Path.Combine(
            builder.ApplicationBuilder.AppHostDirectory, "..", "..", "samples", "StripeCdc.Samples.HashEmail", "StripeCdc.Samples.HashEmail.csproj"));
        return builder
            .WithEnvironment(KnownEnvironmentVariableNames.AdminTokenFile, secrets.AdminTokenFile)
            .WithEnvironment(KnownEnvironmentVariableNames.ModuleAssembly(0), Path.GetFullPath(sampleModule))
            .WithEnvironment(KnownEnvironmentVariableNames.HashCustomerEmailFlag, "false")
            .RunFromBuildOutput();
    }

    /// <summary>The ingest reads the webhook api_key from the run's key folder (<c>default.key</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithWebhookApiKey(this IResourceBuilder<ProjectResource> builder, LocalSecrets secrets) =>
        builder.WithEnvironment(KnownEnvironmentVariableNames.ApiKeyFolder, secrets.ApiKeyFolder);

    /// <summary>
    /// Starts the project's built assembly with <c>dotnet &lt;assembly&gt;</c> instead of DCP's default
    /// <c>dotnet run --project</c>. That wrapper ignores SIGTERM, so DCP kills it after a few seconds and the
    /// service never finishes its in-flight events or flushes its producer; started directly, the service
    /// receives the stop signal itself. The AppHost's build has built the assembly already (project references).
    /// </summary>
    public static IResourceBuilder<ProjectResource> RunFromBuildOutput(this IResourceBuilder<ProjectResource> builder)
    {
        var project = builder.Resource.GetProjectMetadata().ProjectPath;
        var assembly = BuildOutput.AssemblyPath(project);
        if (!File.Exists(assembly))
        {
            // Built elsewhere (another output folder): DCP's own `dotnet run` still starts it, without a graceful stop.
            return builder;
        }

        return builder
            .WithAnnotation(new ExecutableAnnotation { Command = "dotnet", WorkingDirectory = Path.GetDirectoryName(project)! })
            .WithArgs(assembly);
    }
}
