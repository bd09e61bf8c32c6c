namespace StripeCdc.Correctness.Tests.Account;

/// <summary>What one step does to one object.</summary>
internal enum StepAction
{
    Create,
    Update,
    Finalize,
    Pay,
    Cancel,
    Refund,
    Delete,
}

/// <summary>One change of the seeded history: an action on the object <paramref name="Index"/> of a kind.</summary>
internal sealed record HistoryStep(ObjectKind Kind, int Index, StepAction Action, int Count = 0);
