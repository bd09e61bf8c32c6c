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

    /// <summary><c>charge.dispute.closed</c>: won or lost.</summary>
    Close,

    /// <summary><c>credit_note.voided</c>.</summary>
    Void,

    /// <summary><c>checkout.session.completed</c>; with a count of 1 the payment is still pending (an asynchronous method).</summary>
    Complete,

    /// <summary><c>checkout.session.async_payment_succeeded</c>, after a pending completion.</summary>
    AsyncPaymentSucceeded,

    /// <summary><c>checkout.session.expired</c>.</summary>
    Expire,
}

/// <summary>One change of the seeded history: an action on the object <paramref name="Index"/> of a kind.</summary>
internal sealed record HistoryStep(ObjectKind Kind, int Index, StepAction Action, int Count = 0);
