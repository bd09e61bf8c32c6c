using Stripe;
using StripeCdc.Configuration;
using StripeCdc.Events;
using StripeCdc.Pipeline;
using StripeCdc.StripeApi;
using StripeCdc.Telemetry;

namespace StripeCdc.Snapshot.Snapshots;

/// <summary>
/// Pushes one page of snapshot objects, read at <c>readAt</c>, through the record pipeline (all of them at once) and returns
/// when every record is acknowledged. An object that could not be written anywhere (rejected without a
/// DLQ record) fails the page, so its cursor is never committed past it. A connected account's page
/// (<c>--accounts</c>) carries the account on its envelopes, so its records are keyed as that account's live events are.
/// </summary>
internal sealed class SnapshotEmitter(RecordPipeline pipeline, StripeCdcMetrics metrics)
{
    public async Task EmitAsync(
        SourceSettings source,
        string runId,
        SnapshotResource resource,
        IReadOnlyList<StripeListElement> elements,
        DateTimeOffset readAt,
        bool livemode,
        CancellationToken cancellationToken,
        string? account = null)
    {
        var created = readAt.ToUnixTimeSeconds();
        var contexts = new RecordContext[elements.Count];
        var work = new Task[elements.Count];
        for (var i = 0; i < elements.Count; i++)
        {
            var element = elements[i];
            var body = SnapshotEnvelope.Build(
                SnapshotEnvelope.EventId(runId, resource.Name, element.Id),
                resource.SnapshotEventType,
                element.Json.Span,
                created,
                StripeConfiguration.ApiVersion,
                livemode,
                account);
            (contexts[i], work[i]) = Start(source, body, readAt, RecordKind.Snapshot, cancellationToken);
        }

        await CompleteAsync(resource, contexts, work, AccountKind.Of(account));
    }

    /// <summary>
    /// Writes the deletes <c>snapshot --prune</c> confirmed (SPEC §6, missed deletes): each object as a synthetic
    /// <c>&lt;prefix&gt;.pruned</c> event at <paramref name="readAt"/> (when its <c>GET</c> was asked), run as
    /// <see cref="RecordKind.Prune"/>, so the records carry <c>__op=d</c> and <c>__changeType=DELETE</c>. A connected
    /// account's deletes carry its <paramref name="account"/>, so they are keyed as its live events are.
    /// </summary>
    public async Task EmitPrunedAsync(
        SourceSettings source,
        string runId,
        SnapshotResource resource,
        IReadOnlyList<(string Id, ReadOnlyMemory<byte> Object, DateTimeOffset ReadAt)> pruned,
        bool livemode,
        CancellationToken cancellationToken,
        string? account = null)
    {
        var contexts = new RecordContext[pruned.Count];
        var work = new Task[pruned.Count];
        for (var i = 0; i < pruned.Count; i++)
        {
            var (id, json, readAt) = pruned[i];
            var body = SnapshotEnvelope.Build(
                PrunedEventId(runId, resource.Name, id),
                resource.PrunedEventType,
                json.Span,
                readAt.ToUnixTimeSeconds(),
                StripeConfiguration.ApiVersion,
                livemode,
                account);
            (contexts[i], work[i]) = Start(source, body, readAt, RecordKind.Prune, cancellationToken);
        }

        await CompleteAsync(resource, contexts, work, AccountKind.Platform, pruning: true);
    }

    /// <summary>Runs one synthetic event through the pipeline, unsigned (it was read from the API, not received).</summary>
    private (RecordContext Context, Task Work) Start(SourceSettings source, byte[] body, DateTimeOffset readAt, RecordKind kind, CancellationToken cancellationToken)
    {
        var context = new RecordContext(source, body, signatureHeader: null, readAt, kind)
        {
            SkipSignatureCheck = true,
            CancellationToken = cancellationToken,
        };
        return (context, pipeline.ProcessAsync(context).AsTask());
    }

    /// <summary>The event id of a pruned object's delete: <c>prune:&lt;run id&gt;:&lt;resource&gt;:&lt;object id&gt;</c>.</summary>
    public static string PrunedEventId(string runId, string resource, string objectId) => $"prune:{runId}:{resource}:{objectId}";

    private async Task CompleteAsync(SnapshotResource resource, RecordContext[] contexts, Task[] work, string accountKind, bool pruning = false)
    {
        await Task.WhenAll(work);
        foreach (var context in contexts)
        {
            if (context.Outcome == PipelineOutcome.Rejected)
            {
                throw new InvalidOperationException(
                    $"A {resource.Name} snapshot record was rejected ({context.Rejection?.Reason}: {context.Rejection?.Message}) and could not be dead-lettered.");
            }

            if (!pruning)
            {
                metrics.SnapshotObjectRead(resource.Name, accountKind);
            }
        }
    }
}
