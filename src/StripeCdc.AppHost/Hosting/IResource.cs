namespace StripeCdc.AppHost.Hosting;

/// <summary>Something the AppHost runs or provides: plain data, with behaviour in the orchestrator.</summary>
internal interface IResource
{
    string Name { get; }
}

/// <summary>A resource other resources can reference through a connection string.</summary>
internal interface IResourceWithConnectionString : IResource
{
    /// <summary>Known once the resource is running.</summary>
    string? ConnectionString { get; }
}
