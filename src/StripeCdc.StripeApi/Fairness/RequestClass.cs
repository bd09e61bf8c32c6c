namespace StripeCdc.StripeApi.Fairness;

/// <summary>
/// What a Stripe call is for, as the fair budget sees it. <see cref="Interactive"/> work keeps a live
/// record moving (revalidation, fan-out completion, thin-event hydration, registration) and goes first;
/// <see cref="Bulk"/> work (snapshot pages, prune confirmations, reconciliation) takes what is left, and
/// a guaranteed share of it.
/// </summary>
internal enum RequestClass
{
    Interactive,
    Bulk,
}

/// <summary>
/// The class of the Stripe calls made in the current async flow: <see cref="RequestClass.Interactive"/>
/// unless a caller opened <see cref="Bulk"/> around its work. It travels with the flow through Stripe.net
/// into the HttpClient's resilience pipeline, where <see cref="FairRequestScheduler"/> reads it, so no
/// call site between has to pass it on.
/// </summary>
internal static class StripeRequestClass
{
    private static readonly AsyncLocal<RequestClass?> Ambient = new();

    public static RequestClass Current => Ambient.Value ?? RequestClass.Interactive;

    /// <summary>Marks the calls of this flow (and the tasks it starts) as bulk until disposed.</summary>
    public static Scope Bulk() => new(RequestClass.Bulk);

    internal readonly struct Scope : IDisposable
    {
        private readonly RequestClass? _previous;

        public Scope(RequestClass requestClass)
        {
            _previous = Ambient.Value;
            Ambient.Value = requestClass;
        }

        public void Dispose() => Ambient.Value = _previous;
    }
}
