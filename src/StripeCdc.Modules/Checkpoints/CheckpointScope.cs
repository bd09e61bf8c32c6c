namespace StripeCdc.Checkpoints;

/// <summary>
/// Whose checkpoints and leases: the source's name for the platform's own account (unchanged, so existing
/// checkpoints still resume), <c>&lt;source&gt;/&lt;acct_…&gt;</c> for a connected account's (SPEC §12). The stores
/// put the scope where they put the source: key <c>checkpoint/&lt;source&gt;/&lt;acct_…&gt;/&lt;resource&gt;</c>, file
/// <c>&lt;folder&gt;/&lt;source&gt;/&lt;acct_…&gt;/&lt;resource&gt;.json</c>.
/// </summary>
internal static class CheckpointScope
{
    public static string Of(string source, string? account) => account is null ? source : $"{source}/{account}";

    public static (string Source, string? Account) Parse(string scope) =>
        scope.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? (scope[..slash], scope[(slash + 1)..]) : (scope, null);

    /// <summary>A connected account's id as Stripe writes it (<c>acct_</c> and letters or digits): safe in a key and a path.</summary>
    public static bool IsAccountId(string value) =>
        value.Length > 5 && value.StartsWith("acct_", StringComparison.Ordinal) && value.AsSpan(5).IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") < 0;
}
