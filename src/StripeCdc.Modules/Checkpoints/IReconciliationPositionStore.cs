namespace StripeCdc.Checkpoints;

/// <summary>
/// Keeps each connected account's <see cref="ReconciliationPosition"/> durably, beside the snapshot checkpoints
/// (same folder, same compacted topic under the key <c>reconciliation/&lt;source&gt;/&lt;acct_…&gt;</c>), so a
/// restarted worker does not list every account's whole window again.
/// </summary>
internal interface IReconciliationPositionStore
{
    /// <summary>Every stored position, of every source.</summary>
    ValueTask<IReadOnlyList<ReconciliationPosition>> LoadAllAsync(CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="position"/> as its account's; the caller never passes an older one.</summary>
    ValueTask SaveAsync(ReconciliationPosition position, CancellationToken cancellationToken);
}
