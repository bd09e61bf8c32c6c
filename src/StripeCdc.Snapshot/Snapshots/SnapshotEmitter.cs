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
/// DLQ record) fails the page, so its cursor is never committed past it.
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
        CancellationToken cancellationToken)
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
                livemode);
            var context = new RecordContext(source, body, signatureHeader: null, readAt, RecordKind.Snapshot)
            {
                SkipSignatureCheck = true,
                CancellationToken = cancellationToken,
            };
            contexts[i] = context;
            work[i] = pipeline.ProcessAsync(context).AsTask();
        }

        await Task.WhenAll(work);
        foreach (var context in contexts)
        {
            if (context.Outcome == PipelineOutcome.Rejected)
            {
                throw new InvalidOperationException(
                    $"A {resource.Name} snapshot record was rejected ({context.Rejection?.Reason}: {context.Rejection?.Message}) and could not be dead-lettered.");
            }

            metrics.SnapshotObjectRead(resource.Name);
        }
    }
}
