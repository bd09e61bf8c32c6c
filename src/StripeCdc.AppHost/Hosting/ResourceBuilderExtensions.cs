namespace StripeCdc.AppHost.Hosting;

/// <summary>The Aspire-style composition verbs.</summary>
internal static class ResourceBuilderExtensions
{
    /// <summary>Kafka for the stack: embedded unless <c>ConnectionStrings:kafka</c> names a cluster.</summary>
    public static ResourceBuilder<KafkaResource> AddKafka(this DistributedApplicationBuilder builder, string name)
    {
        var kafka = new KafkaResource(name) { ExternalConnectionString = builder.Configuration[$"ConnectionStrings:{name}"] };
        return builder.AddResource(kafka);
    }

    public static ResourceBuilder<KafkaResource> WithTopics(this ResourceBuilder<KafkaResource> builder, params string[] topics)
    {
        builder.Resource.Topics.AddRange(topics);
        return builder;
    }

    /// <summary>A project of this repository, by its folder under <c>src/</c> (or any path to a .csproj).</summary>
    public static ResourceBuilder<ProjectResource> AddProject(this DistributedApplicationBuilder builder, string name, string project)
    {
        var path = project.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase)
            ? Path.GetFullPath(project, builder.RepositoryRoot)
            : Path.Combine(builder.RepositoryRoot, "src", project, project + ".csproj");
        return builder.AddResource(new ProjectResource(name, path));
    }

    public static ResourceBuilder<ProjectResource> WithReference(this ResourceBuilder<ProjectResource> builder, ResourceBuilder<KafkaResource> kafka) =>
        builder.AddReference(kafka.Resource);

    public static ResourceBuilder<ProjectResource> WithReference(this ResourceBuilder<ProjectResource> builder, ResourceBuilder<ProjectResource> project) =>
        builder.AddReference(project.Resource);

    public static ResourceBuilder<ProjectResource> WaitFor<T>(this ResourceBuilder<ProjectResource> builder, ResourceBuilder<T> dependency)
        where T : IResource
    {
        builder.Resource.WaitsFor.Add(dependency.Resource);
        return builder;
    }

    public static ResourceBuilder<ProjectResource> WithHttpEndpoint(this ResourceBuilder<ProjectResource> builder, int port)
    {
        builder.Resource.HttpPort = builder.ApplicationBuilder.Options.RandomPorts ? 0 : port;
        return builder;
    }

    public static ResourceBuilder<ProjectResource> WithEnvironment(this ResourceBuilder<ProjectResource> builder, string name, string value)
    {
        builder.Resource.Environment[name] = value;
        return builder;
    }

    private static ResourceBuilder<ProjectResource> AddReference(this ResourceBuilder<ProjectResource> builder, IResource resource)
    {
        builder.Resource.References.Add(resource);
        return builder;
    }
}
