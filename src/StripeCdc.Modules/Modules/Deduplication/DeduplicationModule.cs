using Microsoft.Extensions.Logging;
using StripeCdc.Ledger;
using StripeCdc.Pipeline;
using StripeCdc.Sinks;

namespace StripeCdc.Modules.Deduplication;

/// <summary>
/// The one step where dedupe is decided. Drops an event whose id is already committed (outcome
/// <see cref="PipelineOutcome.Skipped"/>, nothing written), and acts on the sink's answer
/// (<see cref="RecordContext.SinkResult"/>): <see cref="SinkWriteResult.Duplicate"/> → skipped as well;
/// <see cref="SinkWriteResult.Written"/> → the id is marked in the ledger; <see cref="SinkWriteResult.Committed"/>
/// → nothing more (the sink wrote the ledger row with the records). An event skipped on purpose is marked too,
/// so webhooks, replays and reconciliation all dedupe through one ledger. An event that failed is not marked,
/// so its redelivery is processed. Snapshot reads are not events and pass through. Without a registered
/// <see cref="IEventLedger"/> the module does nothing.
/// </summary>
internal sealed partial class DeduplicationModule(IRecordSink sink, ILogger<DeduplicationModule> logger, IEventLedger? ledger = null) : IRecordModule
{
    public string Name => "Deduplication";

    public int Order => ModuleOrder.Deduplication;

    public async ValueTask InvokeAsync(RecordContext context, RecordDelegate next)
    {
        if (ledger is null || context.Kind != RecordKind.Change)
        {
            await next(context);
            return;
        }

        var source = context.Source.Name;
        var eventId = context.Event.Id;

        // A sink that writes the ledger row in the event's transaction finds a duplicate there, atomically
        // (also against a concurrent delivery); asking first would cost a round trip per event.
        if (!sink.WritesLedger && await ledger.IsCommittedAsync(source, eventId, context.CancellationToken))
        {
            context.Skip();
            return;
        }

        await next(context);
        switch (context.Outcome, context.SinkResult)
        {
            case (PipelineOutcome.Produced, SinkWriteResult.Duplicate):
                context.Skip();
                return;
            case (PipelineOutcome.Produced, SinkWriteResult.Written):
                context.SinkResult = SinkWriteResult.Committed;
                break;
            case (PipelineOutcome.Skipped, null):
                break;
            default:
                return;
        }

        // Not awaited: the records are acknowledged, so the event has succeeded whatever the ledger write
        // does, and the answer need not wait another round trip. The ledger remembers the id in memory
        // at once; the write only makes it visible to other processes and restarts.
        var marking = ledger.MarkCommittedAsync(source, eventId, CancellationToken.None);
        if (marking.IsCompletedSuccessfully)
        {
            return;
        }

        _ = ObserveAsync(marking, source);
    }

    private async Task ObserveAsync(ValueTask marking, string source)
    {
        try
        {
            await marking;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogMarkFailed(source, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source '{Source}': an acknowledged event could not be written to the event ledger ({Error}); a later duplicate delivery may be produced again.")]
    private partial void LogMarkFailed(string source, string error);
}
