using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace StripeCdc.ServiceDefaults;

/// <summary>
/// Admin operations need <c>X-StripeCdc-Admin-Token</c> equal to <c>StripeCdc:Admin:Token</c>, or to the content of
/// the file <c>StripeCdc:Admin:TokenFile</c> names (how the AppHost hands it over: an environment variable would
/// show in the dashboard). Without a configured token they are refused altogether, so a service's public port
/// never exposes them.
/// </summary>
public sealed class AdminTokenFilter(IConfiguration configuration) : IEndpointFilter
{
    public const string Header = "X-StripeCdc-Admin-Token";
    public const string ConfigurationKey = "StripeCdc:Admin:Token";
    public const string FileConfigurationKey = "StripeCdc:Admin:TokenFile";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = ExpectedToken();
        var offered = context.HttpContext.Request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(expected)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(offered), Encoding.UTF8.GetBytes(expected)))
        {
            return ValueTask.FromResult<object?>(Results.Unauthorized());
        }

        return next(context);
    }

    private string? ExpectedToken()
    {
        if (configuration[ConfigurationKey] is { Length: > 0 } token)
        {
            return token;
        }

        return configuration[FileConfigurationKey] is { Length: > 0 } file && File.Exists(file)
            ? File.ReadAllText(file).Trim()
            : null;
    }
}

public static class AdminTokenExtensions
{
    /// <summary>Requires the admin token (<see cref="AdminTokenFilter"/>) on every endpoint of the group.</summary>
    public static TBuilder RequireAdminToken<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, AdminTokenFilter>();
}
