using StripeCdc.Configuration;
using StripeCdc.Pipeline;

namespace StripeCdc.Modules.ThinEvents;

/// <summary>
/// Thin events (<c>"object": "v2.core.event"</c>) carry no object to record. Under
/// <c>ThinEvents=Reject</c> they are refused (reason <c>thin_event</c>); under <c>Hydrate</c> the
/// registered <see cref="IThinEventHydrator"/> fetches the object and the event continues.
/// </summary>
internal sealed class ThinEventGuardModule(IThinEventHydrator? hydrator = null) : IRecordModule
{
    public string Name => "ThinEventGuard";

    public int Order => ModuleOrder.ThinEventGuard;

    public async ValueTask InvokeAsync(RecordContext context, RecordDelegate next)
    {
        if (!context.Event.IsThin)
        {
            await next(context);
            return;
        }

        if (context.Source.Options.ThinEvents == ThinEventMode.Reject)
        {
            context.Reject(DeadLetterReason.ThinEvent, "Thin events (v2.core.event) are not accepted by this source (ThinEvents=Reject).");
            return;
        }

        if (hydrator is null)
        {
            context.Reject(DeadLetterReason.ThinEvent, "ThinEvents=Hydrate is set but no hydrator is registered in this service.");
            return;
        }

        context.UseEvent(await hydrator.HydrateAsync(context), RecordKind.Snapshot);
        await next(context);
    }
}
