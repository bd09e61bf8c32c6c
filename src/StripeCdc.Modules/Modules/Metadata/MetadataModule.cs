using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StripeCdc.Pipeline;
using StripeCdc.Records;
using StripeCdc.Telemetry;

namespace StripeCdc.Modules.Metadata;

/// <summary>
/// Adds the change-data-capture fields to the event's record (SPEC §3): <c>_event_*</c>,
/// <c>_previous_attributes</c> and <c>_account</c> when <c>IncludeEventMetadata</c> (<c>_account</c> always on a
/// <c>Connect</c> source, SPEC §12); always <c>__deleted</c>, <c>__changeType</c> and the <c>__op</c> header.
/// </summary>
internal sealed partial class MetadataModule(StripeCdcMetrics metrics, ILogger<MetadataModule> logger) : IRecordModule
{
    private readonly ConcurrentDictionary<(string Source, string Version), bool> _reportedVersions = new();

    public string Name => "Metadata";

    public int Order => ModuleOrder.Metadata;

    public ValueTask InvokeAsync(RecordContext context, RecordDelegate next)
    {
        var record = context.ParentRecord;
        if (record is null)
        {
            return next(context);
        }

        var stripeEvent = context.Event;
        var options = context.Source.Options;
        CheckApiVersion(context.Source.Name, options.ApiVersion, stripeEvent.ApiVersion);

        var kind = context.ChangeKind;
        var fields = record.Fields;
        if (options.IncludeEventMetadata)
        {
            fields.WriteString("_event_id"u8, stripeEvent.Id);
            fields.WriteString("_event_type"u8, stripeEvent.Type);
            if (stripeEvent.Created is { } created)
            {
                fields.WriteNumber("_event_created"u8, created);
            }
            else
            {
                fields.WriteNull("_event_created"u8);
            }

            fields.WriteString("_api_version"u8, stripeEvent.ApiVersion);
            fields.WriteBoolean("_livemode"u8, stripeEvent.Livemode);
            fields.WritePropertyName("_previous_attributes"u8);
            if (stripeEvent.PreviousAttributes.IsEmpty)
            {
                fields.WriteNullValue();
            }
            else
            {
                fields.WriteRawValue(stripeEvent.PreviousAttributes.Span, skipInputValidation: true);
            }

            if (stripeEvent.Account is { } account)
            {
                fields.WriteString("_account"u8, account);
            }
        }
        else if (context.ConnectedAccount is { } account)
        {
            // A Connect source's records say whose they are even in pure state-table mode (SPEC §12).
            fields.WriteString("_account"u8, account);
        }

        fields.WriteBoolean("__deleted"u8, kind.IsDelete);
        fields.WriteString("__changeType"u8, kind.ChangeType);
        record.SetHeader(RecordHeaderNames.Op, RecordHeaderNames.OpValue(kind.Op));
        return next(context);
    }

    private void CheckApiVersion(string source, string? expected, string? actual)
    {
        if (string.IsNullOrEmpty(expected) || actual is null || string.Equals(expected, actual, StringComparison.Ordinal))
        {
            return;
        }

        metrics.ApiVersionMismatch(source);
        if (_reportedVersions.Count < 64 && _reportedVersions.TryAdd((source, actual), true))
        {
            LogApiVersionMismatch(source, actual, expected);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source '{Source}' received an event rendered at API version {Actual}; it expects {Expected}. The event is processed as received.")]
    private partial void LogApiVersionMismatch(string source, string actual, string expected);
}
