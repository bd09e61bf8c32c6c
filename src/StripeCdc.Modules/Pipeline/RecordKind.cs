namespace StripeCdc.Pipeline;

public enum RecordKind
{
    /// <summary>A change event delivered by Stripe (webhook, reconciliation, replay).</summary>
    Change,

    /// <summary>An object read by a snapshot: <c>__op=r</c>, <c>__changeType=SNAPSHOT</c>.</summary>
    Snapshot,
}
