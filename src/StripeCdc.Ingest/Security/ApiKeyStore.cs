using System.Security.Cryptography;
using StripeCdc.Configuration;
using StripeCdc.Hosting;

namespace StripeCdc.Ingest.Security;

/// <summary>
/// Keeps generated API keys in files (<c>&lt;folder&gt;/&lt;source&gt;.key</c>, mode 0600) outside the
/// repository, so a generated key survives restarts. The key is printed to the console once, when it
/// is created, and never written to a log.
/// </summary>
internal sealed class ApiKeyStore(string folder, TextWriter console)
{
    public static string DefaultFolder() => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "StripeCdc",
        "api-keys");

    public string PathFor(string source) => Path.Combine(folder, source + ".key");

    public string GetOrCreate(string source)
    {
        try
        {
            return GetOrCreateCore(source);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new StartupException(
                $"The generated API key of source '{source}' cannot be kept in {folder} (StripeCdc:Ingest:ApiKeyFolder): {ex.Message} "
                + $"Give this user a folder it can write (mode 0700), or set StripeCdc:Sources:{source}:ApiKey.",
                ex);
        }
    }

    private string GetOrCreateCore(string source)
    {
        var path = PathFor(source);
        if (File.Exists(path))
        {
            return Read(path);
        }

        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        if (!PrivateFile.TryCreate(path, key))
        {
            // Another instance created it first: use theirs.
            return Read(path);
        }

        console.WriteLine($"""
            ==> StripeCdc generated an API key for source '{source}' (shown once; stored in {path}):
                {key}
                Webhook URL: /webhooks/stripe{(source == "default" ? "" : "/" + source)}?api_key={key}
            """);
        console.Flush();
        return key;
    }

    private static string Read(string path) => File.ReadAllText(path).Trim();
}
