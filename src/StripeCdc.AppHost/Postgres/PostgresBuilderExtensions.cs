using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StripeCdc.AppHost.Postgres;

internal static class PostgresBuilderExtensions
{
    /// <summary>Where Debian's <c>postgresql</c> package installs its server (one folder per major version).</summary>
    private const string DebianRoot = "/usr/lib/postgresql";

    /// <summary><c>StripeCdc:Sink=Postgres</c> in the AppHost's configuration: the services write state tables.</summary>
    public static bool UsesPostgresSink(this IDistributedApplicationBuilder builder) =>
        string.Equals(builder.Configuration["StripeCdc:Sink"], "Postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// PostgreSQL for the stack: the server named by the connection string <paramref name="name"/> when the AppHost is
    /// given one (<c>ConnectionStrings__postgres=Host=…</c>), otherwise Debian's server binary in a process of its own
    /// (<c>StripeCdc:Postgres:BinDirectory</c>, default the newest <c>/usr/lib/postgresql/*/bin</c>), its cluster in
    /// <c>StripeCdc:Postgres:DataDirectory</c> when set (kept), else in a temp folder removed when the server stops.
    /// Healthy once the server answers a query.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddPostgresServer(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        if (builder.Configuration.GetConnectionString(name) is { Length: > 0 })
        {
            return builder.AddConnectionString(name);
        }

        var bin = ServerBinaries(builder.Configuration["StripeCdc:Postgres:BinDirectory"]);
        var data = builder.Configuration["StripeCdc:Postgres:DataDirectory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, builder.AppHostDirectory)
            : string.Empty;
        var resource = new PostgresServerResource(name, builder.AppHostDirectory);
        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheck, _ => new PostgresServerHealthCheck(resource), failureStatus: null, tags: null));

        return builder.AddResource(resource)
            .WithArgs(Path.Combine(builder.AppHostDirectory, "Postgres", "postgres.sh"), bin, data)
            .WithEndpoint(name: PostgresServerResource.EndpointName, scheme: "tcp", env: "PGPORT", isProxied: false)
            .WithHealthCheck(healthCheck);
    }

    /// <summary>The service writes to the state tables of <paramref name="postgres"/>, once it answers; without it nothing changes.</summary>
    public static IResourceBuilder<ProjectResource> WithPostgresSink(this IResourceBuilder<ProjectResource> builder, IResourceBuilder<IResourceWithConnectionString>? postgres) =>
        postgres is null
            ? builder
            : builder.WithReference(postgres).WaitFor(postgres).WithEnvironment("StripeCdc__Sink", "Postgres");

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
