namespace StripeCdc.Pipeline;

/// <summary>
/// The order of the built-in modules, in one place. A team's module picks a number between two of
/// these (for example <c>ModuleOrder.Routing + 50</c> to see the routed record before metadata is added).
/// </summary>
public static class ModuleOrder
{
    /// <summary>Outermost: sees every rejection and failure of the modules inside it.</summary>
    public const int DeadLetter = 100;

    /// <summary>Checks the raw bytes before anything parses them.</summary>
    public const int Signature = 200;

    public const int ThinEventGuard = 300;

    /// <summary>Drops events already committed (duplicate delivery, replay, reconciliation) before any record is built.</summary>
    public const int Deduplication = 350;

    /// <summary>Notices a connected account first seen (after the signature check, so only signed events count).</summary>
    public const int NewAccounts = 370;

    /// <summary>Creates the event's record: topic and key.</summary>
    public const int Routing = 400;

    public const int Metadata = 500;

    public const int FanOut = 600;
}
