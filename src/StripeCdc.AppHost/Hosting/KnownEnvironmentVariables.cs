namespace StripeCdc.AppHost.Hosting;

/// <summary>The environment a project receives, named as .NET Aspire names it (SPEC §9).</summary>
internal static class KnownEnvironmentVariables
{
    public const string AspNetCoreUrls = "ASPNETCORE_URLS";
    public const string AspNetCoreEnvironment = "ASPNETCORE_ENVIRONMENT";
    public const string DotNetEnvironment = "DOTNET_ENVIRONMENT";
    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string OtlpProtocol = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string OtelServiceName = "OTEL_SERVICE_NAME";
    public const string OtelResourceAttributes = "OTEL_RESOURCE_ATTRIBUTES";
    public const string OtelBatchScheduleDelay = "OTEL_BSP_SCHEDULE_DELAY";
    public const string OtelMetricExportInterval = "OTEL_METRIC_EXPORT_INTERVAL";
    public const string OtelTracesSampler = "OTEL_TRACES_SAMPLER";

    /// <summary>The token the dashboard presents to the services' admin APIs (not an Aspire variable).</summary>
    public const string AdminToken = "StripeCdc__Admin__Token";

    /// <summary>Lets a service stop itself when the AppHost is gone (no orphans even if the AppHost is killed).</summary>
    public const string AppHostProcessId = "STRIPECDC_APPHOST_PID";

    public static string ConnectionString(string name) => $"ConnectionStrings__{name}";

    public static string ServiceEndpoint(string service, string scheme, int index) => $"services__{service}__{scheme}__{index}";
}
