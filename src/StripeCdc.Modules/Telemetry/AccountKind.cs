namespace StripeCdc.Telemetry;

/// <summary>
/// Whose traffic a measurement is, as a metric label (<c>stripecdc.account_kind</c>): the platform's own or a
/// connected account's (SPEC §12). Never the account id itself: a platform may have 100,000 accounts, and a label
/// of that many values makes as many time series. Per-account figures are in the logs and the admin API.
/// </summary>
public static class AccountKind
{
    public const string TagName = "stripecdc.account_kind";

    /// <summary>The platform's own account (every event of a source without <c>Connect</c>).</summary>
    public const string Platform = "platform";

    /// <summary>One of a Connect platform's connected accounts.</summary>
    public const string Connected = "connected";

    /// <summary>A request whose event could not be read (too large, malformed), so whose it is is not known.</summary>
    public const string Unknown = "unknown";

    public static string Of(string? connectedAccount) => connectedAccount is null ? Platform : Connected;
}
