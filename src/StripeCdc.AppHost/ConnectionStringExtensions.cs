using Microsoft.Extensions.Configuration;

namespace StripeCdc.AppHost;

internal static class ConnectionStringExtensions
{
    /// <summary>The connection string <c>ConnectionStrings:&lt;name&gt;</c> the AppHost was given, or null when it has none.</summary>
    public static string? ConnectionString(this IDistributedApplicationBuilder builder, string name) =>
        builder.Configuration.GetConnectionString(name) is { Length: > 0 } value ? value : null;

    /// <summary>Whether the AppHost was given <c>ConnectionStrings:&lt;name&gt;</c>: an existing server to use instead of a local one.</summary>
    public static bool HasConnectionString(this IDistributedApplicationBuilder builder, string name) =>
        builder.ConnectionString(name) is not null;
}
