using System.Security.Cryptography;
using StripeCdc.Configuration;

namespace StripeCdc.AppHost;

/// <summary>
/// Secrets the AppHost hands to the services as files in a private folder of this run (mode 0700, files 0600),
/// never as environment variables: the dashboard shows every resource's environment. The admin token is new
/// for every run; the webhook api_key is <c>StripeCdc:Sources:default:ApiKey</c> when configured, otherwise
/// generated once and kept in <c>~/.stripecdc/apphost-api-key</c> so the webhook URL survives restarts.
/// </summary>
internal sealed class LocalSecrets
{
    private LocalSecrets(string folder, string adminToken, string webhookApiKey)
    {
        Folder = folder;
        AdminToken = adminToken;
        WebhookApiKey = webhookApiKey;
    }

    public string Folder { get; }

    /// <summary>Presented by resource commands to the services' admin APIs; never leaves the AppHost.</summary>
    public string AdminToken { get; }

    public string WebhookApiKey { get; }

    public string AdminTokenFile => Path.Combine(Folder, "admin-token");

    /// <summary>The ingest's <c>StripeCdc:Ingest:ApiKeyFolder</c>: holds <c>default.key</c>.</summary>
    public string ApiKeyFolder => Path.Combine(Folder, "api-keys");

    public static LocalSecrets Create(IDistributedApplicationBuilder builder)
    {
        var folder = Path.Combine(Path.GetTempPath(), "stripecdc-apphost-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        PrivateFile.CreateFolder(folder);
        var secrets = new LocalSecrets(
            folder,
            NewKey(),
            builder.Configuration[KnownConfigNames.DefaultSourceApiKey] is { Length: > 0 } configured ? configured : StoredApiKey());
        PrivateFile.Write(secrets.AdminTokenFile, secrets.AdminToken);
        PrivateFile.CreateFolder(secrets.ApiKeyFolder);
        PrivateFile.Write(Path.Combine(secrets.ApiKeyFolder, "default.key"), secrets.WebhookApiKey);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        return secrets;
    }

    private static string StoredApiKey()
    {
        var file = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".stripecdc", "apphost-api-key");
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } stored)
        {
            return stored;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var key = NewKey();
        PrivateFile.Write(file, key);
        return key;
    }

    private static string NewKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
}
