namespace StripeCdc.ServiceDefaults;

/// <summary>The paths and tags of the health endpoints (Aspire's convention).</summary>
public static class HealthEndpoints
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";
    public const string LiveTag = "live";

    public static bool IsHealthPath(string? path) =>
        path is not null
        && (path.StartsWith(HealthPath, StringComparison.OrdinalIgnoreCase) || path.StartsWith(AlivePath, StringComparison.OrdinalIgnoreCase));
}
