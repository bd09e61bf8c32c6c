using Microsoft.Extensions.Configuration;

namespace StripeCdc.Configuration;

/// <summary>
/// The local secrets file that webhook registration writes the signing secrets to (Stripe shows a secret
/// only once). It lives outside the repository — <c>STRIPECDC_SECRETS_FILE</c>, else
/// <c>~/.stripecdc/secrets.json</c> — and is a plain JSON configuration source, so a service that adds it
/// reads <c>StripeCdc:Sources:&lt;name&gt;:SigningSecrets</c> from it (and picks up a new secret on change).
/// </summary>
public static class SecretsFileConfigurationExtensions
{
    public const string PathVariable = "STRIPECDC_SECRETS_FILE";

    public static string DefaultPath =>
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path
            ? Path.GetFullPath(path)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".stripecdc", "secrets.json");

    public static IConfigurationBuilder AddStripeCdcSecretsFile(this IConfigurationBuilder builder, string? path = null) =>
        builder.AddJsonFile(path ?? DefaultPath, optional: true, reloadOnChange: true);
}
