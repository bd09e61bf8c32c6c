namespace StripeCdc.AppHost.Hosting;

/// <summary>Fluent access to one resource of a <see cref="DistributedApplicationBuilder"/>.</summary>
internal sealed class ResourceBuilder<T>(DistributedApplicationBuilder application, T resource)
    where T : IResource
{
    public DistributedApplicationBuilder ApplicationBuilder { get; } = application;

    public T Resource { get; } = resource;
}
