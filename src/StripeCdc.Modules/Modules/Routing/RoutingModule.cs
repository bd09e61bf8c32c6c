using StripeCdc.Configuration;
using StripeCdc.Pipeline;
using StripeCdc.Records;
using StripeCdc.Telemetry;

namespace StripeCdc.Modules.Routing;

/// <summary>
/// Creates the event's record: topic from the resource (SPEC §3 routing, <c>TopicPrefix</c>, unselected
/// resources under <c>DEFAULT_TOPIC</c>/<c>SKIP</c>/<c>FAIL</c>), key from <c>data.object.id</c> (a singleton's own key
/// for an object without one), led by the connected account on a Connect source (SPEC §12),
/// payload from <c>data.object</c>.
/// </summary>
internal sealed class RoutingModule(StripeCdcMetrics metrics) : IRecordModule
{
    public string Name => "Routing";

    public int Order => ModuleOrder.Routing;

    public ValueTask InvokeAsync(RecordContext context, RecordDelegate next)
    {
        var source = context.Source;
        var stripeEvent = context.Event;
        var resource = source.Options.Routing == RoutingMode.ObjectType && stripeEvent.ObjectType is { } objectType
            ? objectType.AsSpan()
            : stripeEvent.TypeResource;

        var topic = source.SelectedTopic(resource);
        if (topic is null)
        {
            switch (source.Options.UnselectedResourceBehavior)
            {
                case UnselectedResourceBehavior.Skip:
                    metrics.Skipped(source.Name);
                    context.Skip();
                    return ValueTask.CompletedTask;
                case UnselectedResourceBehavior.Fail:
                    context.Reject(DeadLetterReason.UnselectedResource, $"The resource '{resource}' is not selected by this source (UnselectedResourceBehavior=FAIL).");
                    return ValueTask.CompletedTask;
                default:
                    topic = source.DefaultTopic;
                    break;
            }
        }

        context.Records.Add(new OutgoingRecord(topic, RecordKeys.ForObject(context.ConnectedAccount, stripeEvent.ObjectKeyId), stripeEvent.DataObject));
        return next(context);
    }
}
