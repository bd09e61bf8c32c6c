namespace StripeCdc.Checkpoints;

/// <summary>
/// Where one connected account's reconciliation stood (SPEC §12): <see cref="ReconciledTo"/> is the end of its
/// last completed run, so the next run lists its <c>/v1/events</c> from there.
/// </summary>
internal sealed record ReconciliationPosition(string Source, string Account, DateTimeOffset ReconciledTo);
