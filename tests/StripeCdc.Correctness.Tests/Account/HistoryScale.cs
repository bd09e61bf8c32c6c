namespace StripeCdc.Correctness.Tests.Account;

/// <summary>How many objects of each kind one account's history creates (and how often its balance changes, in pairs).</summary>
internal sealed record HistoryScale(
    int Customers,
    int Products,
    int Prices,
    int Subscriptions,
    int Invoices,
    int Charges,
    int Disputes,
    int CreditNotes,
    int CheckoutSessions,
    int BalanceChangePairs)
{
    /// <summary>The platform's own account: the scenario's history before Connect (issue 18's figures).</summary>
    public static readonly HistoryScale Platform = new(150, 40, 60, 100, 100, 80, 30, 30, 40, 20);

    /// <summary>A connected account: every kind, a few of each, so 22 of them stay within the run's time.</summary>
    public static readonly HistoryScale ConnectedAccount = new(6, 3, 3, 4, 4, 4, 2, 2, 2, 1);
}
