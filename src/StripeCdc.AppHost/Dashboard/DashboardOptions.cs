namespace StripeCdc.AppHost.Dashboard;

/// <summary>The <c>Dashboard</c> configuration section.</summary>
internal sealed class DashboardOptions
{
    /// <summary>When set, the dashboard listens on every interface and asks for this token once per browser.</summary>
    public string? LoginToken { get; set; }

    /// <summary>When set, OTLP exports must carry it in <c>x-otlp-api-key</c>.</summary>
    public string? OtlpApiKey { get; set; }
}
