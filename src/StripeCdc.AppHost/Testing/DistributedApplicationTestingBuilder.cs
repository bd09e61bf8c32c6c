using StripeCdc.AppHost.Hosting;

namespace StripeCdc.AppHost.Testing;

/// <summary>
/// Starts the whole stack for a test, in the spirit of Aspire's <c>DistributedApplicationTestingBuilder</c>:
/// the same composition as <c>dotnet run</c>, on free ports, with hooks to adjust resources first.
/// </summary>
internal sealed class DistributedApplicationTestingBuilder
{
    private DistributedApplicationTestingBuilder(DistributedApplicationBuilder builder)
    {
        Builder = builder;
    }

    public DistributedApplicationBuilder Builder { get; }

    public static Task<DistributedApplicationTestingBuilder> CreateAsync(params string[] args)
    {
        var builder = DistributedApplicationBuilder.Create(
            ["--StripeCdc:Sources:default:ApiKey=stack-test-key", .. args],
            new DistributedApplicationOptions { RandomPorts = true });
        StripeCdcStack.Compose(builder);
        return Task.FromResult(new DistributedApplicationTestingBuilder(builder));
    }

    /// <summary>Sets an environment variable of one project resource.</summary>
    public DistributedApplicationTestingBuilder WithEnvironment(string resource, string name, string value)
    {
        Project(resource).Environment[name] = value;
        return this;
    }

    public Task<DistributedApplication> BuildAsync() => Task.FromResult(Builder.Build());

    private ProjectResource Project(string name) =>
        Builder.Resources.OfType<ProjectResource>().SingleOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"The stack has no project named '{name}'.", nameof(name));
}
