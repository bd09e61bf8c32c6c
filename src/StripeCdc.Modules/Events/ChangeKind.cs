namespace StripeCdc.Events;

/// <summary>The <c>__changeType</c> field and <c>__op</c> header of a record (SPEC §3).</summary>
public readonly record struct ChangeKind(string ChangeType, char Op)
{
    public static readonly ChangeKind Create = new("CREATE", 'c');
    public static readonly ChangeKind Update = new("UPDATE", 'u');
    public static readonly ChangeKind Delete = new("DELETE", 'd');
    public static readonly ChangeKind Snapshot = new("SNAPSHOT", 'r');

    private static readonly ChangeKind Succeeded = new("SUCCEEDED", 'u');
    private static readonly ChangeKind Failed = new("FAILED", 'u');
    private static readonly ChangeKind Refunded = new("REFUNDED", 'u');
    private static readonly ChangeKind Paid = new("PAID", 'u');
    private static readonly ChangeKind Finalized = new("FINALIZED", 'u');

    public bool IsDelete => Op == 'd';

    /// <summary>Maps an event action (the last segment of its type) to its change kind.</summary>
    public static ChangeKind FromAction(ReadOnlySpan<char> action) => action switch
    {
        "created" => Create,
        "updated" => Update,
        "deleted" => Delete,
        "succeeded" => Succeeded,
        "failed" or "payment_failed" => Failed,
        "refunded" => Refunded,
        "paid" => Paid,
        "finalized" => Finalized,
        _ => new ChangeKind(action.ToString().ToUpperInvariant(), 'u'),
    };
}
