namespace StripeCdc.Snapshot.Progress;

/// <summary>
/// A snapshot request being carried out: its resources' progress and its overall state. With
/// <see cref="AccountsRequested"/> (<c>--accounts</c>, SPEC §12) the resources are read for each connected
/// account instead of the platform, and <see cref="Accounts"/> holds each account's progress once the
/// accounts are known.
/// </summary>
internal sealed class SnapshotJob(string id, string source, IReadOnlyList<string> resources, bool restart, TimeProvider time, bool prune = false, IReadOnlyList<string>? accounts = null)
{
    private volatile IReadOnlyList<AccountProgress> _accounts = [];

    public string Id { get; } = id;

    public string Source { get; } = source;

    /// <summary>Ignore stored cursors and read everything again.</summary>
    public bool Restart { get; } = restart;

    /// <summary>After each complete listing, write deletes for held objects Stripe no longer has (<c>--prune</c>).</summary>
    public bool Prune { get; } = prune;

    public long Pruned => PerAccount ? Accounts.Sum(a => a.Pruned) : Resources.Sum(r => r.Pruned);

    /// <summary><c>--accounts</c>: <c>all</c>, or the connected accounts' ids; null for the platform's own account.</summary>
    public IReadOnlyList<string>? AccountsRequested { get; } = accounts is { Count: > 0 } ? accounts : null;

    public bool PerAccount => AccountsRequested is not null;

    /// <summary>The connected accounts being snapshotted, each with its resources (empty until they are listed).</summary>
    public IReadOnlyList<AccountProgress> Accounts => _accounts;

    /// <summary>Set when the accounts are known (listed from <c>/v1/accounts</c> for <c>all</c>).</summary>
    public void SetAccounts(IEnumerable<string> ids) =>
        _accounts = [.. ids.Select(a => new AccountProgress(a, [.. Resources.Select(r => r.Resource)], time))];

    /// <summary>Why the job could not start its accounts (listing <c>/v1/accounts</c> failed).</summary>
    public string? Error { get; private set; }

    public void Fail(string error) => Error = error;

    public DateTimeOffset CreatedAt { get; } = time.GetUtcNow();

    public DateTimeOffset? FinishedAt { get; private set; }

    public IReadOnlyList<ResourceProgress> Resources { get; } = [.. resources.Select(r => new ResourceProgress(r, time))];

    public JobState State { get; private set; } = JobState.Pending;

    public long Objects => PerAccount ? Accounts.Sum(a => a.Objects) : Resources.Sum(r => r.Objects);

    public void Start() => State = JobState.Running;

    public void Finish(bool cancelled)
    {
        FinishedAt = time.GetUtcNow();
        State = cancelled ? JobState.Cancelled
            : Error is not null ? JobState.Failed
            : PerAccount ? (Accounts.Any(a => a.State != JobState.Completed) ? JobState.Failed : JobState.Completed)
            : Resources.Any(r => r.State != JobState.Completed) ? JobState.Failed
            : JobState.Completed;
    }
}
