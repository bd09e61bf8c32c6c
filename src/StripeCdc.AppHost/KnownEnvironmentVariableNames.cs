namespace StripeCdc.AppHost;

/// <summary>
/// Every environment variable the AppHost sets on a resource, in one place. The services read them as configuration
/// keys (<c>__</c> is <c>:</c>), so each name here is also the setting documented for that service.
/// </summary>
internal static class KnownEnvironmentVariableNames
{
    /// <summary>Which sink the services write to; the AppHost sets <c>Postgres</c> when it runs a PostgreSQL resource.</summary>
    public const string Sink = "StripeCdc__Sink";

    /// <summary>The file holding the run's admin token (the token itself never goes into an environment).</summary>
    public const string AdminTokenFile = "StripeCdc__Admin__TokenFile";

    /// <summary>The folder of webhook api_keys, one <c>&lt;source&gt;.key</c> file each.</summary>
    public const string ApiKeyFolder = "StripeCdc__Ingest__ApiKeyFolder";

    /// <summary>An extra assembly whose modules join the pipeline (the sample team module).</summary>
    public static string ModuleAssembly(int index) => $"StripeCdc__ModuleAssemblies__{index}";

    /// <summary>The sample team module's feature flag; the stack loads it switched off.</summary>
    public const string HashCustomerEmailFlag = "FeatureManagement__HashCustomerEmail";

    /// <summary>The embedded Kafka host's browser page and health endpoint port.</summary>
    public const string KafkaHttpPort = "Kafka__HttpPort";

    /// <summary>The embedded Kafka host's bootstrap port (relayed to a broker).</summary>
    public const string KafkaBootstrapPort = "Kafka__BootstrapPort";

    /// <summary>The topics the embedded Kafka host creates at start, comma-separated.</summary>
    public const string KafkaTopics = "Kafka__Topics";

    /// <summary>The port the local PostgreSQL server listens on (read by <c>postgres.sh</c>).</summary>
    public const string PostgresPort = "PGPORT";
}
