using StripeCdc.Events;
using StripeCdc.Pipeline;

namespace StripeCdc.Modules.ThinEvents;

/// <summary>Turns a thin event into a full one by fetching its related object from the Stripe API.</summary>
public interface IThinEventHydrator
{
    /// <summary>Returns the event with the related object as <c>data.object</c>.</summary>
    ValueTask<StripeEvent> HydrateAsync(RecordContext thinEvent);
}
