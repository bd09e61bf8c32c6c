namespace StripeCdc.FakeStripe;

/// <summary>
/// What <c>snapshot --prune</c> is tested against: an object deleted while nothing was listening, and one a
/// list leaves out though Stripe still has it.
/// </summary>
public static class FakeStripeDataPruning
{
    /// <summary>
    /// Deletes an object without any event, as if it went while the connector was away longer than the Events
    /// API keeps events: lists leave it out and a <c>GET</c> of it answers <c>404 resource_missing</c>.
    /// </summary>
    public static void DeleteSilently(this FakeStripeData data, string listPath, string id) => data.Remove(listPath, id);

    /// <summary>Leaves an object out of a list while a <c>GET</c> of it still finds it (a list filter, not a delete).</summary>
    public static void HideFromList(this FakeStripeData data, string listPath, string id) => data.Collection(listPath).Remove(id);
}
