using Microsoft.Extensions.Configuration;

namespace StripeCdc.AppHost.Hosting;

/// <summary>Collects the resources of the stack, the way Aspire's <c>IDistributedApplicationBuilder</c> does.</summary>
internal sealed class DistributedApplicationBuilder
{
    private readonly string[] _args;

    private DistributedApplicationBuilder(string[] args, DistributedApplicationOptions options)
    {
        _args = args;
        Options = options;
        Configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        RepositoryRoot = FindRepositoryRoot();
    }

    public IConfigurationRoot Configuration { get; }

    public DistributedApplicationOptions Options { get; }

    /// <summary>The folder holding <c>StripeCdc.sln</c>; projects are found relative to it.</summary>
    public string RepositoryRoot { get; }

    public List<IResource> Resources { get; } = [];

    public static DistributedApplicationBuilder Create(string[] args, DistributedApplicationOptions? options = null) =>
        new(args, options ?? new DistributedApplicationOptions());

    public ResourceBuilder<T> AddResource<T>(T resource)
        where T : IResource
    {
        if (Resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"A resource named '{resource.Name}' was added twice.");
        }

        Resources.Add(resource);
        return new ResourceBuilder<T>(this, resource);
    }

    public DistributedApplication Build() => DistributedApplication.Create(this, _args);

    private static string FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "StripeCdc.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException("Could not find StripeCdc.sln above the AppHost; run it from the repository.");
    }
}
