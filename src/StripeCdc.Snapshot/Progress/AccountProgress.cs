namespace StripeCdc.Snapshot.Progress;

/// <summary>One connected account of a <c>snapshot --accounts</c> job (SPEC §12): its resources' progress.</summary>
internal sealed class AccountProgress(string account, IReadOnlyList<string> resources, TimeProvider time)
{
    public string Account { get; } = account;

    public IReadOnlyList<ResourceProgress> Resources { get; } = [.. resources.Select(r => new ResourceProgress(r, time))];

    public long Objects => Resources.Sum(r => r.Objects);

    public long Pruned => Resources.Sum(r => r.Pruned);

    public bool IsFinished => Resources.All(r => r.IsFinished);

    public JobState State =>
        Resources.All(r => r.State == JobState.Pending) ? JobState.Pending
        : !IsFinished ? JobState.Running
        : Resources.Any(r => r.State == JobState.Cancelled) ? JobState.Cancelled
        : Resources.Any(r => r.State == JobState.Failed) ? JobState.Failed
        : JobState.Completed;

    /// <summary>Ends every resource not started (the account was never reached).</summary>
    public void Abandon(JobState state, string? error)
    {
        foreach (var resource in Resources.Where(r => r.State == JobState.Pending))
        {
            resource.Finish(state, error);
        }
    }
}
