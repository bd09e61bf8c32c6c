using StripeCdc.Events;
using StripeCdc.Pipeline;
using StripeCdc.Records;

namespace StripeCdc.Modules.FanOut;

/// <summary>
/// Emits one child record per element of a configured nested list (SPEC §4), keyed by parent and
/// element id, carrying <c>_ctx_event_id</c> and the parent's <c>__changeType</c> and <c>__op</c>; a connected
/// account's children (SPEC §12) carry <c>_account</c> and lead their key with it, like their parent.
/// A list Stripe truncated is completed through <see cref="IFanOutCompleter"/> when one can; otherwise
/// its children carry <c>_fanout_truncated: true</c>.
/// </summary>
internal sealed class FanOutModule(IFanOutCompleter? completer = null) : IRecordModule
{
    public string Name => "FanOut";

    public int Order => ModuleOrder.FanOut;

    public async ValueTask InvokeAsync(RecordContext context, RecordDelegate next)
    {
        var entries = context.Source.FanOut;
        if (entries.Count > 0 && context.ParentRecord is not null)
        {
            var stripeEvent = context.Event;
            foreach (var entry in entries)
            {
                if (entry.ParentObjectType == stripeEvent.ObjectType
                    && NestedList.Find(stripeEvent.DataObject, entry.ListField) is { } list)
                {
                    await AddChildrenAsync(context, entry, list);
                }
            }
        }

        await next(context);
    }

    private async ValueTask AddChildrenAsync(RecordContext context, FanOutEntry entry, NestedList list)
    {
        var stripeEvent = context.Event;
        var topic = context.Source.Topic(entry.ChildTopic);
        var kind = context.ChangeKind;
        var op = RecordHeaderNames.OpValue(kind.Op);
        var account = context.ConnectedAccount;

        // A cut list is read whole from the API: it may have changed since the event, and the
        // embedded order need not be the list endpoint's, so "after the last embedded" could skip or repeat.
        IReadOnlyList<ReadOnlyMemory<byte>>? whole = null;
        if (list.HasMore && completer is not null && stripeEvent.ObjectId is { } parentId)
        {
            whole = await completer.FetchListAsync(context.Source, entry, parentId, account, context.CancellationToken);
        }

        var truncated = list.HasMore && whole is null;
        if (!truncated && context.ParentRecord is { } parent)
        {
            (parent.CompleteChildTopics ??= []).Add(topic);
        }

        // One record per element id: a state table keys children by (parent, id).
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (whole is null)
        {
            foreach (var element in list.Elements)
            {
                Add(element.Json, element.Id);
            }
        }
        else
        {
            foreach (var json in whole)
            {
                Add(json, StripeEventParser.ReadObjectId(json));
            }
        }

        void Add(ReadOnlyMemory<byte> json, string? itemId)
        {
            if (itemId is not null && !seen.Add(itemId))
            {
                return;
            }

            var child = new OutgoingRecord(topic, RecordKeys.ForChild(account, stripeEvent.ObjectId, itemId), json, RecordRole.Child);
            var fields = child.Fields;
            fields.WriteString("_ctx_event_id"u8, stripeEvent.Id);
            if (account is not null)
            {
                fields.WriteString("_account"u8, account);
            }

            fields.WriteString("__changeType"u8, kind.ChangeType);
            if (truncated)
            {
                fields.WriteBoolean("_fanout_truncated"u8, true);
            }

            child.SetHeader(RecordHeaderNames.Op, op);
            context.Records.Add(child);
        }
    }
}
