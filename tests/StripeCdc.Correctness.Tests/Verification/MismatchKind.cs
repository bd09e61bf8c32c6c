namespace StripeCdc.Correctness.Tests.Verification;

/// <summary>How a sink's state can differ from Stripe's (SPEC §11).</summary>
internal enum MismatchKind
{
    /// <summary>An object (or child) Stripe has, or had and deleted, is not there at all.</summary>
    Missing,

    /// <summary>The object or child is there with other fields than Stripe's final state.</summary>
    Stale,

    /// <summary>Stripe deleted the object; the sink shows it alive.</summary>
    Resurrected,

    /// <summary>A child list holds fewer children than Stripe's, or children marked <c>_fanout_truncated</c>.</summary>
    Truncated,

    /// <summary>An object or child Stripe never had in that place.</summary>
    Extra,
}

/// <summary>One difference: which kind, where (account, table, id), and enough detail to look into it.</summary>
internal sealed record Mismatch(MismatchKind Kind, ObjectKey Key, string Detail)
{
    public override string ToString() => $"{Kind} {Key}: {Detail}";
}
