namespace StripeCdc.Correctness.Tests.Deployment;

/// <summary>
/// One deployment's snapshots of the Connect platform (SPEC §12): first <c>--accounts all</c> (every connected
/// account, listed from <c>/v1/accounts</c>), then the platform's own account — one snapshot of a source runs at
/// a time. <see cref="AccountsListed"/> completes once the first has listed the accounts.
/// </summary>
internal sealed class PlatformSnapshots(SinkDeployment deployment)
{
    private readonly TaskCompletionSource _listed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task<(string Accounts, string Platform)>? _run;

    public Task AccountsListed => _listed.Task;

    /// <summary>The ids of both snapshots, once both have started.</summary>
    public Task<(string Accounts, string Platform)> Completion => _run ?? throw new InvalidOperationException("The snapshots have not started.");

    public void Start() => _run ??= RunAsync();

    private async Task<(string Accounts, string Platform)> RunAsync()
    {
        try
        {
            var accounts = await deployment.StartSnapshotAsync(["all"]);
            await deployment.WaitAccountsListedAsync(accounts);
            _listed.TrySetResult();
            await deployment.WaitSnapshotAsync(accounts);
            return (accounts, await deployment.StartSnapshotAsync());
        }
        catch (Exception ex)
        {
            _listed.TrySetException(ex);
            throw;
        }
    }
}
