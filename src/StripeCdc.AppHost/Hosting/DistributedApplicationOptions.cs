namespace StripeCdc.AppHost.Hosting;

public sealed class DistributedApplicationOptions
{
    /// <summary>Give every endpoint (projects, dashboard, OTLP) a free port instead of its fixed one; for tests.</summary>
    public bool RandomPorts { get; set; }

    public int DashboardPort { get; set; } = 18888;

    public int OtlpHttpPort { get; set; } = 18890;

    /// <summary>How long a project may take to report healthy before it counts as failed to start.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
