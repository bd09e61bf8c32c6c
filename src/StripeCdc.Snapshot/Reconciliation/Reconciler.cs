using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeCdc.Configuration;
using StripeCdc.Ledger;
using StripeCdc.Pipeline;
using StripeCdc.Sinks;
using StripeCdc.Snapshot.Progress;
using StripeCdc.StripeApi;
using StripeCdc.StripeApi.Fairness;

namespace StripeCdc.Snapshot.Reconciliation;

/// <summary>
/// Heals outages from the Events API (SPEC §6): lists <c>/v1/events</c> for the window (at most the 30
/// days Stripe keeps, ending a lag behind now because the API is eventually consistent) and pushes every
/// event the ledger has not seen committed through the pipeline, signature check skipped (the events come
/// from the authenticated API). An event is marked committed once (by the deduplication module) when the
/// pipeline produced it, so running twice, or after a restart, adds nothing; an event the ledger knows as
/// dead-lettered is left to the DLQ.
/// </summary>
internal sealed partial class Reconciler(
    SourceCatalog sources,
    StripeApiClients clients,
    RecordPipeline pipeline,
    IServiceProvider services,
    IOptions<SnapshotOptions> options,
    TimeProvider time,
    ILogger<Reconciler> logger,
    AccountReconciliationPositions positions)
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    public async Task RunAsync(ReconciliationJob job, CancellationToken cancellationToken)
    {
        // Reconciliation is bulk work: live re-reads of any account go first (SPEC §12).
        using var bulk = StripeRequestClass.Bulk();
        try
        {
            var ledger = services.GetService<IEventLedger>()
                ?? throw new InvalidOperationException("No IEventLedger is registered: reconciliation needs the durable event ledger to avoid duplicates.");
            var source = sources.Get(job.Source);
            var api = clients.For(source);
            var now = time.GetUtcNow();
            var latest = now - options.Value.ReconciliationLag;
            var to = job.To is { } requested && requested < latest ? requested : latest;
            var from = job.From < now - Retention ? now - Retention : job.From;

            // A connected account lists from where its last run ended, when that is inside the window.
            if (job.Account is { } account && await positions.GetAsync(source.Name, account, cancellationToken) is { } position && position > from)
            {
                from = position;
            }

            job.Start(from, to);
            if (from >= to)
            {
                job.Finish(JobState.Completed);
                return;
            }

            var query = new List<KeyValuePair<string, string>>
            {
                new("created[gte]", from.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
                new("created[lte]", to.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            };
            if (job.OnlyFailedDeliveries)
            {
                query.Add(new("delivery_success", "false"));
            }

            // A connected account's events come from its own /v1/events (Stripe-Account); each carries
            // `account`, so the pipeline keys its records {"account","id"} as it does for webhooks.
            await foreach (var page in api.ListAllAsync("/v1/events", query, null, cancellationToken, job.Account))
            {
                foreach (var element in page.Elements)
                {
                    await ReconcileAsync(job, source, ledger, element, cancellationToken);
                }
            }

            if (job.Account is { } reconciled)
            {
                await SavePositionAsync(source.Name, reconciled, to, cancellationToken);
            }

            LogReconciled(job.Source, job.Account ?? "", job.Listed, job.Delivered, job.AlreadyCommitted);
            job.Finish(JobState.Completed);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            job.Finish(JobState.Cancelled);
        }
        catch (Exception ex)
        {
            LogFailed(ex, job.Source);
            job.Finish(JobState.Failed, ex.Message);
        }
    }

    // The run itself succeeded: a position not stored only makes the account's next run list its window again,
    // which the ledger makes harmless, so it is a warning and not a failed run.
    private async Task SavePositionAsync(string source, string account, DateTimeOffset to, CancellationToken cancellationToken)
    {
        try
        {
            await positions.AdvanceAsync(source, account, to, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            LogPositionNotSaved(ex, source, account);
        }
    }

    private async Task ReconcileAsync(
        ReconciliationJob job,
        SourceSettings source,
        IEventLedger ledger,
        StripeListElement element,
        CancellationToken cancellationToken)
    {
        job.CountListed();
        if (element.Id is not { } eventId)
        {
            return;
        }

        if (await ledger.IsCommittedAsync(source.Name, eventId, cancellationToken))
        {
            job.CountAlreadyCommitted();
            return;
        }

        // Already in the DLQ (by an earlier run or the ingest): replaying it is the DLQ's job, not each run's.
        if (await ledger.IsDeadLetteredAsync(source.Name, eventId, cancellationToken))
        {
            job.CountAlreadyDeadLettered();
            return;
        }

        var context = new RecordContext(source, element.Json, signatureHeader: null, time.GetUtcNow())
        {
            SkipSignatureCheck = true,
            CancellationToken = cancellationToken,
        };
        await pipeline.ProcessAsync(context);
        switch (context.Outcome)
        {
            case PipelineOutcome.Produced:
                // The deduplication step commits the id (or the sink did, with the records); only with that
                // module switched off is the event merely written, and its commit falls to us.
                if (context.SinkResult == SinkWriteResult.Written)
                {
                    await ledger.MarkCommittedAsync(source.Name, eventId, cancellationToken);
                }

                job.CountDelivered();
                break;
            case PipelineOutcome.DeadLettered:
                job.CountDeadLettered();
                break;
            case PipelineOutcome.Skipped:
                job.CountSkipped();
                break;
            default:
                throw new InvalidOperationException(
                    $"Event {eventId} could not be written ({context.Rejection?.Reason}: {context.Rejection?.Message}); the run stops so it is retried next time.");
        }
    }

    /// <summary>The platform's connected accounts, from <c>/v1/accounts</c> page by page (bulk work).</summary>
    public async Task<IReadOnlyList<string>> ListAccountsAsync(SourceSettings source, CancellationToken cancellationToken)
    {
        using var bulk = StripeRequestClass.Bulk();
        var accounts = new List<string>();
        await foreach (var page in clients.For(source).ListAllAsync("/v1/accounts", [], null, cancellationToken))
        {
            accounts.AddRange(page.Elements.Select(e => e.Id).OfType<string>());
        }

        return accounts;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Source '{Source}' account '{Account}': reconciliation listed {Listed} events, delivered {Delivered}, {AlreadyCommitted} were already committed.")]
    private partial void LogReconciled(string source, string account, long listed, long delivered, long alreadyCommitted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source '{Source}' account '{Account}': the reconciliation position could not be stored; the account's next run lists its whole window.")]
    private partial void LogPositionNotSaved(Exception exception, string source, string account);

    [LoggerMessage(Level = LogLevel.Error, Message = "Source '{Source}': reconciliation failed.")]
    private partial void LogFailed(Exception exception, string source);
}
