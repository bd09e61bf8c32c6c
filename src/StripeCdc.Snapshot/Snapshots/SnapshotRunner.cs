using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeCdc.Checkpoints;
using StripeCdc.Configuration;
using StripeCdc.Snapshot.Checkpoints;
using StripeCdc.Snapshot.Progress;
using StripeCdc.StripeApi;
using StripeCdc.StripeApi.Fairness;

namespace StripeCdc.Snapshot.Snapshots;

/// <summary>
/// Carries out a snapshot job: every resource in parallel (within the source's request budget), each
/// page emitted and acknowledged before its cursor is checkpointed, the next page fetched while the
/// current one is emitted. A resource that fails is reported and does not stop the others; a resource
/// with an unfinished checkpoint resumes from it, so a killed worker re-emits at most one page.
/// </summary>
internal sealed partial class SnapshotRunner(
    SourceCatalog sources,
    StripeApiClients clients,
    ICheckpointStore checkpoints,
    SnapshotEmitter emitter,
    SnapshotPruner pruner,
    SnapshotRateMetrics rates,
    TimeProvider time,
    IOptions<SnapshotOptions> options,
    ILogger<SnapshotRunner> logger)
{
    public async Task RunAsync(SnapshotJob job, CancellationToken cancellationToken)
    {
        // Snapshot pages (and what they set off) are bulk work: live re-reads of any account go first (SPEC §12).
        using var bulk = StripeRequestClass.Bulk();
        job.Start();
        rates.Started(job);
        try
        {
            var source = sources.Get(job.Source);
            var api = clients.For(source);
            if (job.PerAccount)
            {
                await RunAccountsAsync(job, source, api, cancellationToken);
                return;
            }

            IReadOnlySet<string> interrupted = job.Restart ? new HashSet<string>() : await InterruptedRunsAsync(source, null, job.Resources, cancellationToken);
            await Task.WhenAll(job.Resources.Select(progress => RunResourceAsync(job, source, api, null, progress, interrupted, cancellationToken)));
        }
        finally
        {
            rates.Finished(job);
            job.Finish(cancellationToken.IsCancellationRequested);
        }
    }

    private async Task RunResourceAsync(
        SnapshotJob job,
        SourceSettings source,
        StripeApiClient api,
        string? account,
        ResourceProgress progress,
        IReadOnlySet<string> interrupted,
        CancellationToken cancellationToken)
    {
        await Task.Yield();
        var scope = CheckpointScope.Of(source.Name, account);
        try
        {
            var resource = SnapshotResource.Find(progress.Resource)
                ?? throw new InvalidOperationException($"'{progress.Resource}' cannot be snapshotted (see SPEC §6).");
            await using var lease = await checkpoints.AcquireAsync(scope, resource.Name, cancellationToken);
            using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
            try
            {
                await RunLeasedAsync(job, source, api, account, resource, progress, interrupted, running.Token);
            }
            catch (OperationCanceledException) when (lease.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new SnapshotLeaseException($"Another worker took the {resource.Name} snapshot of '{scope}' over.");
            }

            progress.Finish(JobState.Completed);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            progress.Finish(JobState.Cancelled);
        }
        catch (Exception ex)
        {
            LogResourceFailed(ex, scope, progress.Resource);
            progress.Finish(JobState.Failed, ex.Message);
        }
    }

    /// <summary>
    /// The runs this job continues: those that left a resource of the job unfinished (a worker killed or
    /// stopped mid-run). Their completed resources are not read again; a run that completed every resource
    /// leaves nothing to continue, and the next snapshot reads everything.
    /// </summary>
    private async Task<IReadOnlySet<string>> InterruptedRunsAsync(SourceSettings source, string? account, IEnumerable<ResourceProgress> resources, CancellationToken cancellationToken, HashSet<string>? runs = null)
    {
        runs ??= new HashSet<string>(StringComparer.Ordinal);
        foreach (var progress in resources.Where(r => SnapshotResource.Find(r.Resource) is not null))
        {
            if (await checkpoints.LoadAsync(CheckpointScope.Of(source.Name, account), progress.Resource, cancellationToken) is { Completed: false } unfinished)
            {
                runs.Add(unfinished.RunId);
            }
        }

        return runs;
    }

    /// <summary>
    /// One resource, under its lease: from the stored checkpoint (unless restarting) to the end of the list;
    /// nothing when an interrupted run this job continues had completed it.
    /// </summary>
    private async Task RunLeasedAsync(
        SnapshotJob job,
        SourceSettings source,
        StripeApiClient api,
        string? account,
        SnapshotResource resource,
        ResourceProgress progress,
        IReadOnlySet<string> interrupted,
        CancellationToken cancellationToken)
    {
        var scope = CheckpointScope.Of(source.Name, account);
        var stored = job.Restart ? null : await checkpoints.LoadAsync(scope, resource.Name, cancellationToken);
        if (stored is { Completed: true } && interrupted.Contains(stored.RunId))
        {
            LogAlreadyComplete(scope, resource.Name, stored.RunId, stored.Objects);
            progress.Start(stored.Objects);
            return;
        }

        // A job that continues an interrupted run keeps its run id, for the resources it had not reached too.
        var now = time.GetUtcNow();
        var checkpoint = stored is { Completed: false }
            ? stored
            : new ResourceCheckpoint(interrupted.Count == 1 ? interrupted.First() : job.Id, resource.Name, null, 0, false, now, StartedAt: now);
        if (stored is { Completed: false })
        {
            LogResuming(scope, resource.Name, stored.RunId, stored.Objects);
        }

        progress.Start(checkpoint.Objects);
        if (resource.IsSingleton)
        {
            await ReadSingletonAsync(source, api, account, resource, checkpoint, progress, cancellationToken);
        }
        else if (resource.Parent is { } parent)
        {
            await WalkParentsAsync(source, api, account, resource, SnapshotResource.Find(parent.Resource)!, checkpoint, progress, cancellationToken);
        }
        else
        {
            await ReadListAsync(source, api, account, resource, resource.ListPath, resource.Query, checkpoint, progress, cancellationToken);
        }

        // Only here is the listing complete: every page read, in this run or resumed to its end.
        if (job.Prune && !resource.IsSingleton)
        {
            if (checkpoint.StartedAt is not { } listingStartedAt)
            {
                // A checkpoint from a version that did not record when its listing began.
                LogNotPruned(scope, resource.Name);
                return;
            }

            progress.Pruning();
            progress.PrunedObjects(await pruner.PruneAsync(source, api, account, resource, checkpoint.RunId, listingStartedAt, cancellationToken));
        }
    }

    /// <summary>An object without an id (<c>balance</c>): one GET, one record.</summary>
    private async Task ReadSingletonAsync(
        SourceSettings source,
        StripeApiClient api,
        string? account,
        SnapshotResource resource,
        ResourceCheckpoint checkpoint,
        ResourceProgress progress,
        CancellationToken cancellationToken)
    {
        var requestedAt = time.GetUtcNow();
        var json = await api.GetAsync(resource.ListPath, resource.Query, cancellationToken, account);
        await emitter.EmitAsync(source, checkpoint.RunId, resource, [new StripeListElement(json, Id: null)], requestedAt, api.IsLive, cancellationToken, account);
        progress.PageDone(1);
        await checkpoints.SaveAsync(CheckpointScope.Of(source.Name, account), checkpoint with { Objects = checkpoint.Objects + 1, Completed = true, UpdatedAt = time.GetUtcNow() }, cancellationToken);
    }

    /// <summary>Reads one list to its end from the checkpoint's cursor; returns the checkpoint after the last page.</summary>
    private async Task<ResourceCheckpoint> ReadListAsync(
        SourceSettings source,
        StripeApiClient api,
        string? account,
        SnapshotResource resource,
        string path,
        IReadOnlyList<KeyValuePair<string, string>> query,
        ResourceCheckpoint checkpoint,
        ResourceProgress progress,
        CancellationToken cancellationToken,
        bool completesResource = true)
    {
        using var prefetch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // A page's read time is when it was asked for, not when it is written: a change made in between
        // has a later event, which must win over this read (SPEC §10's ordering guard).
        var requestedAt = time.GetUtcNow();
        var next = api.ListAsync(path, query, checkpoint.Cursor, prefetch.Token, account);
        try
        {
            while (true)
            {
                var page = await next;
                var readAt = requestedAt;
                var more = page.HasMore && page.LastId is not null;
                if (more)
                {
                    requestedAt = time.GetUtcNow();
                    next = api.ListAsync(path, query, page.LastId, prefetch.Token, account);
                }

                await emitter.EmitAsync(source, checkpoint.RunId, resource, page.Elements, readAt, api.IsLive, cancellationToken, account);
                progress.PageDone(page.Elements.Count);
                checkpoint = checkpoint with
                {
                    Cursor = page.LastId ?? checkpoint.Cursor,
                    Objects = checkpoint.Objects + page.Elements.Count,
                    Completed = !more && completesResource,
                    UpdatedAt = time.GetUtcNow(),
                };
                if (more || completesResource || page.Elements.Count > 0)
                {
                    await checkpoints.SaveAsync(CheckpointScope.Of(source.Name, account), checkpoint, cancellationToken);
                }

                if (!more)
                {
                    return checkpoint;
                }
            }
        }
        finally
        {
            await prefetch.CancelAsync();
            _ = next.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// A list under a parent (payment methods per customer, persons per account, …): every parent's list, in
    /// parent order, resumable inside a parent.
    /// </summary>
    private async Task WalkParentsAsync(
        SourceSettings source,
        StripeApiClient api,
        string? account,
        SnapshotResource resource,
        SnapshotResource parentResource,
        ResourceCheckpoint checkpoint,
        ResourceProgress progress,
        CancellationToken cancellationToken)
    {
        var previous = checkpoint.ParentCursor;
        await foreach (var parents in api.ListAllAsync(parentResource.ListPath, parentResource.Query, checkpoint.ParentCursor, cancellationToken, account))
        {
            foreach (var parent in parents.Elements)
            {
                if (parent.Id is not { } parentId)
                {
                    continue;
                }

                var inner = checkpoint with
                {
                    ParentCursor = previous,
                    Parent = parentId,
                    Cursor = checkpoint.Parent == parentId ? checkpoint.Cursor : null,
                };
                var (path, query) = resource.ListFor(parentId);
                try
                {
                    checkpoint = await ReadListAsync(source, api, account, resource, path, query, inner, progress, cancellationToken, completesResource: false);
                }
                catch (StripeApiException ex) when (ex.InnerException is global::Stripe.StripeException { StripeError.Code: "resource_missing" })
                {
                    // The parent was deleted after its page was read: Stripe answers 404 for its list, and it has no children left.
                    LogParentGone(CheckpointScope.Of(source.Name, account), resource.Name, parentId);
                }

                checkpoint = checkpoint with { ParentCursor = parentId, Parent = null, Cursor = null };
                previous = parentId;
            }

            // A page of parents done: they need not be walked again after a restart.
            await checkpoints.SaveAsync(CheckpointScope.Of(source.Name, account), checkpoint with { UpdatedAt = time.GetUtcNow() }, cancellationToken);
        }

        await checkpoints.SaveAsync(CheckpointScope.Of(source.Name, account), checkpoint with { Completed = true, UpdatedAt = time.GetUtcNow() }, cancellationToken);
    }

    /// <summary>
    /// <c>--accounts</c> (SPEC §12): the accounts (listed from <c>/v1/accounts</c> for <c>all</c>), then each account's
    /// resources with its <c>Stripe-Account</c>, at most <c>MaxConcurrentAccounts</c> accounts at once. The runs
    /// continued are found over every account of the job, so an account a killed run had completed is not read again.
    /// </summary>
    private async Task RunAccountsAsync(SnapshotJob job, SourceSettings source, StripeApiClient api, CancellationToken cancellationToken)
    {
        List<string> accounts;
        try
        {
            accounts = await ResolveAccountsAsync(job.AccountsRequested!, api, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAccountsUnlisted(ex, source.Name);
            job.Fail($"The connected accounts could not be listed: {ex.Message}");
            return;
        }

        job.SetAccounts(accounts);
        var interrupted = new HashSet<string>(StringComparer.Ordinal);
        if (!job.Restart)
        {
            foreach (var account in job.Accounts)
            {
                await InterruptedRunsAsync(source, account.Account, account.Resources, cancellationToken, interrupted);
            }
        }

        LogAccounts(source.Name, job.Accounts.Count, options.Value.MaxConcurrentAccounts);
        using var slots = new SemaphoreSlim(options.Value.MaxConcurrentAccounts);
        await Task.WhenAll(job.Accounts.Select(async account =>
        {
            try
            {
                await slots.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                account.Abandon(JobState.Cancelled, null);
                return;
            }

            try
            {
                await Task.WhenAll(account.Resources.Select(progress => RunResourceAsync(job, source, api, account.Account, progress, interrupted, cancellationToken)));
            }
            finally
            {
                slots.Release();
            }
        }));
    }

    /// <summary><c>all</c>: every connected account, from <c>/v1/accounts</c> with cursor paging; otherwise the ids given.</summary>
    private static async Task<List<string>> ResolveAccountsAsync(IReadOnlyList<string> requested, StripeApiClient api, CancellationToken cancellationToken)
    {
        if (!requested.Contains(AllAccounts, StringComparer.OrdinalIgnoreCase))
        {
            return [.. requested.Distinct(StringComparer.Ordinal)];
        }

        var accounts = new List<string>();
        await foreach (var page in api.ListAllAsync(AccountsPath, [], null, cancellationToken))
        {
            accounts.AddRange(page.Elements.Select(e => e.Id).OfType<string>().Where(CheckpointScope.IsAccountId));
        }

        return accounts;
    }

    /// <summary>The <c>--accounts</c> value that means every connected account of the platform.</summary>
    public const string AllAccounts = "all";

    private const string AccountsPath = "/v1/accounts";

    [LoggerMessage(Level = LogLevel.Information, Message = "Source '{Source}': snapshotting {Count} connected account(s), {Concurrency} at once.")]
    private partial void LogAccounts(string source, int count, int concurrency);

    [LoggerMessage(Level = LogLevel.Error, Message = "Source '{Source}': the connected accounts could not be listed.")]
    private partial void LogAccountsUnlisted(Exception exception, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source '{Source}': resuming the {Resource} snapshot of run {RunId} after {Objects} objects.")]
    private partial void LogResuming(string source, string resource, string runId, long objects);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source '{Source}': the {Resource} listing was resumed from a checkpoint that does not say when it began; nothing is pruned (run with --restart to prune).")]
    private partial void LogNotPruned(string source, string resource);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source '{Source}': the {Resource} snapshot of run {RunId} was complete ({Objects} objects); not read again.")]
    private partial void LogAlreadyComplete(string source, string resource, string runId, long objects);

    [LoggerMessage(Level = LogLevel.Error, Message = "Source '{Source}': the {Resource} snapshot failed; the other resources go on.")]
    private partial void LogResourceFailed(Exception exception, string source, string resource);

    [LoggerMessage(Level = LogLevel.Information, Message = "Source '{Source}': {Parent} was deleted after it was listed; its {Resource} list is passed over.")]
    private partial void LogParentGone(string source, string resource, string parent);
}
