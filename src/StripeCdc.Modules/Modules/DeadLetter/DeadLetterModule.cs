using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using StripeCdc.Events;
using StripeCdc.Ledger;
using StripeCdc.Pipeline;
using StripeCdc.Records;
using StripeCdc.Sinks;
using StripeCdc.Telemetry;

namespace StripeCdc.Modules.DeadLetter;

/// <summary>
/// The outermost module. When anything inside rejects the event or fails permanently, it writes the
/// original body, byte for byte, to the source's DLQ topic with the reason in headers (SPEC §5).
/// Transient sink failures are not dead-lettered: they surface so the sender retries. A dead-lettered
/// event is remembered in the event ledger (when there is one), so reconciliation does not dead-letter
/// it again on each run — except a <c>signature</c> rejection, whose body (and so its event id) is unverified.
/// </summary>
internal sealed partial class DeadLetterModule(
    IRecordSink sink,
    StripeCdcMetrics metrics,
    ILogger<DeadLetterModule> logger,
    IEventLedger? ledger = null) : IRecordModule
{
    public string Name => "DeadLetter";

    public int Order => ModuleOrder.DeadLetter;

    public async ValueTask InvokeAsync(RecordContext context, RecordDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (Classify(ex) is { } rejection)
        {
            context.Reject(rejection.Reason, rejection.Message);
        }

        var dlq = context.Source.Options.DeadLetterQueue;
        if (context.Rejection is not { } reason || !dlq.Enabled)
        {
            return;
        }

        var record = Build(context, reason);
        try
        {
            await sink.WriteAsync([record], context.CancellationToken);
            context.Outcome = PipelineOutcome.DeadLettered;
            metrics.DeadLettered(reason.Reason);
        }
        catch (Exception ex) when (ex is SinkException or OperationCanceledException)
        {
            LogDeadLetterFailed(ex, context.Source.Name, reason.Reason);
            return;
        }

        await RememberAsync(context, reason);
    }

    private async ValueTask RememberAsync(RecordContext context, RecordRejection reason)
    {
        if (ledger is null
            || reason.Reason == DeadLetterReason.Signature
            || context.Kind != RecordKind.Change
            || !context.IsEventParsed)
        {
            return;
        }

        try
        {
            await ledger.MarkDeadLetteredAsync(context.Source.Name, context.Event.Id, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogMarkFailed(context.Source.Name, ex.GetType().Name);
        }
    }

    /// <summary>The rejection an exception stands for, or null when it must surface to the caller.</summary>
    internal static RecordRejection? Classify(Exception exception) => exception switch
    {
        MalformedEventException malformed => new(DeadLetterReason.Malformed, malformed.Message),
        SinkException { IsPermanent: true } sinkError => new(DeadLetterReason.SinkError, sinkError.Message),
        SinkException or OperationCanceledException => null,
        _ => new(DeadLetterReason.ModuleError, $"{exception.GetType().Name}: {exception.Message}"),
    };

    private static OutgoingRecord Build(RecordContext context, RecordRejection rejection)
    {
        var record = new OutgoingRecord(context.Source.DeadLetterTopic, key: null, context.Body, RecordRole.DeadLetter);
        record.SetHeader(RecordHeaderNames.DeadLetterReason, Encoding.UTF8.GetBytes(rejection.Reason));
        record.SetHeader(RecordHeaderNames.DeadLetterError, Encoding.UTF8.GetBytes(rejection.Message));
        record.SetHeader(RecordHeaderNames.DeadLetterSource, Encoding.UTF8.GetBytes(context.Source.Name));
        record.SetHeader(
            RecordHeaderNames.DeadLetterReceivedAt,
            Encoding.UTF8.GetBytes(context.ReceivedAt.ToString("O", CultureInfo.InvariantCulture)));
        if (context.IsEventParsed && context.ConnectedAccount is { } account)
        {
            // The body is the original; the header says whose event it was without parsing it (SPEC §12).
            record.SetHeader(RecordHeaderNames.DeadLetterAccount, Encoding.UTF8.GetBytes(account));
        }

        if (context.SignatureHeader is { } signature)
        {
            // Kept so a replay can verify the original signature (the DLQ topic is as private as the data).
            record.SetHeader(RecordHeaderNames.StripeSignature, Encoding.UTF8.GetBytes(signature));
        }

        return record;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Source '{Source}': an event rejected for '{Reason}' could not be written to the DLQ.")]
    private partial void LogDeadLetterFailed(Exception exception, string source, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source '{Source}': a dead-lettered event could not be noted in the event ledger ({Error}); reconciliation may dead-letter it once more.")]
    private partial void LogMarkFailed(string source, string error);
}
