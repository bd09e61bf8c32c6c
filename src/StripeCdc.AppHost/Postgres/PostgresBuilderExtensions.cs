using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StripeCdc.AppHost.Postgres;

internal static class PostgresBuilderExtensions
{
    /// <summary>Where Debian's <c>postgresql</c> package installs its server (one folder per major version).</summary>
    private const string DebianRoot = "/usr/lib/postgresql";

    /// <summary><c>StripeCdc:Sink=Postgres</c> in the AppHost's configuration: the services write state tables.</summary>
    public static bool UsesPostgresSink(this IDistributedApplicationBuilder builder) =>
        string.Equals(builder.Configuration[KnownConfigNames.Sink], "Postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Starts a local PostgreSQL server: Debian's server binary in a process of its own
    /// (<c>StripeCdc:Postgres:BinDirectory</c>, default the newest <c>/usr/lib/postgresql/*/bin</c>), its cluster in
    /// <c>StripeCdc:Postgres:DataDirectory</c> when set (kept), else in a temp folder removed when the server stops.
    /// Healthy once the server answers a query.
    /// </summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgresServer(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var bin = ServerBinaries(builder.Configuration[KnownConfigNames.PostgresBinDirectory]);
        var data = builder.Configuration[KnownConfigNames.PostgresDataDirectory] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, builder.AppHostDirectory)
            : string.Empty;
        return builder.AddResource(new PostgresServerResource(name, builder.AppHostDirectory))
            .WithArgs(Path.Combine(builder.AppHostDirectory, "Postgres", "postgres.sh"), bin, data)
            .WithEndpoint(name: PostgresServerResource.EndpointName, scheme: "tcp", env: KnownEnvironmentVariableNames.PostgresPort, isProxied: false)
            .WithPostgresHealthCheck();
    }

    /// <summary>
    /// A PostgreSQL server of the operator's, named by the connection string <paramref name="name"/>
    /// (<c>ConnectionStrings__postgres=Host=…</c>): Aspire's connection-string resource, healthy once the server answers a query.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddExternalPostgres(this IDistributedApplicationBuilder builder, [ResourceName] string name) =>
        builder.AddConnectionString(name).WithPostgresHealthCheck();

    /// <summary>The service writes to the state tables of <paramref name="postgres"/>, once it answers; without it nothing changes.</summary>
    public static IResourceBuilder<ProjectResource> WithPostgresSink(this IResourceBuilder<ProjectResource> builder, IResourceBuilder<IResourceWithConnectionString>? postgres) =>
        postgres is null
            ? builder
            : builder.WithReference(postgres).WaitFor(postgres).WithEnvironment(KnownEnvironmentVariableNames.Sink, "Postgres");

    private static IResourceBuilder<T> WithPostgresHealthCheck<T>(this IResourceBuilder<T> builder)
        where T : IResourceWithConnectionString
    {
        var key = $"{builder.Resource.Name}_check";
        var server = builder.Resource;
        builder.ApplicationBuilder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(key, _ => new PostgresServerHealthCheck(server), failureStatus: null, tags: null));
        return builder.WithHealthCheck(key);
    }

    private static string ServerBinaries(string? configured)
    {
        var bin = configured is { Length: > 0 }
            ? configured
            : Directory.Exists(DebianRoot)
                ? Directory.GetDirectories(DebianRoot)
                    .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var version) ? version : 0)
                    .Select(d => Path.Combine(d, "bin"))
                    .FirstOrDefault(d => File.Exists(Path.Combine(d, "postgres")))
                : null;
        if (bin is null || !File.Exists(Path.Combine(bin, "postgres")) || !File.Exists(Path.Combine(bin, "initdb")))
        {
            throw new DistributedApplicationException(
                $"StripeCdc__Sink=Postgres needs a PostgreSQL server: no postgres and initdb in {bin ?? DebianRoot + "/*/bin"}; run 'apt-get install postgresql', or set ConnectionStrings__postgres to an existing server.");
        }

        return bin;
    }
}
