namespace StripeCdc.Pipeline;

public enum RecordKind
{
    /// <summary>A change event delivered by Stripe (webhook, reconciliation, replay).</summary>
    Change,

    /// <summary>An object read by a snapshot: <c>__op=r</c>, <c>__changeType=SNAPSHOT</c>.</summary>
    Snapshot,

    /// <summary>
    /// A delete written by <c>snapshot --prune</c> after a <c>GET</c> confirmed the object is gone:
    /// <c>__op=d</c>, <c>__changeType=DELETE</c>. Like a snapshot read it is not a Stripe event (no dedupe, no ledger row).
    /// </summary>
    Prune,
}
