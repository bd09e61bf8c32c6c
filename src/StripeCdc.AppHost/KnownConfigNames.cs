namespace StripeCdc.AppHost;

/// <summary>The settings the AppHost itself reads (from its environment, command line or user secrets).</summary>
internal static class KnownConfigNames
{
    /// <summary><c>Postgres</c>: the services write state tables to a PostgreSQL resource instead of Kafka topics.</summary>
    public const string Sink = "StripeCdc:Sink";

    /// <summary>The default source's webhook api_key; generated and kept in the user's profile when not set.</summary>
    public const string DefaultSourceApiKey = "StripeCdc:Sources:default:ApiKey";

    /// <summary>Where the local PostgreSQL server's binaries are (default: the newest <c>/usr/lib/postgresql/*/bin</c>).</summary>
    public const string PostgresBinDirectory = "StripeCdc:Postgres:BinDirectory";

    /// <summary>Where the local PostgreSQL server keeps its cluster (kept); default a temp folder removed at stop.</summary>
    public const string PostgresDataDirectory = "StripeCdc:Postgres:DataDirectory";
}
