namespace StripeCdc.StripeApi;

/// <summary>
/// The innermost handler of the HttpClient given to Stripe.net: every request that leaves the process,
/// Stripe.net's own retries included, first takes a slot of the budget.
/// </summary>
internal sealed class RequestBudgetHandler(RequestBudget budget) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await budget.AcquireAsync(cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
