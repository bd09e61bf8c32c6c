namespace StripeCdc.Snapshot.Cli;

/// <summary>The command line's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>The work is done.</summary>
    public const int Done = 0;

    /// <summary>The work failed, in part or whole (Stripe refused, a record could not be written, …).</summary>
    public const int Failed = 1;

    /// <summary>The command line or the settings are invalid; nothing was done.</summary>
    public const int Usage = 2;
}
