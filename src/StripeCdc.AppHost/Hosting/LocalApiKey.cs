using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace StripeCdc.AppHost.Hosting;

/// <summary>
/// The local stack's webhook api_key: <c>StripeCdc:Sources:default:ApiKey</c> when configured, otherwise a
/// key generated once and kept in the user's profile (outside the repository), so the webhook URL
/// stays the same across runs.
/// </summary>
internal static class LocalApiKey
{
    public static string GetOrCreate(IConfiguration configuration)
    {
        if (configuration["StripeCdc:Sources:default:ApiKey"] is { Length: > 0 } configured)
        {
            return configured;
        }

        var folder = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".stripecdc");
        var file = Path.Combine(folder, "apphost-api-key");
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } stored)
        {
            return stored;
        }

        Directory.CreateDirectory(folder);
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        File.WriteAllText(file, key);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return key;
    }
}
