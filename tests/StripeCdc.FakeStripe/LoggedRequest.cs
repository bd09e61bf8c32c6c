namespace StripeCdc.FakeStripe;

/// <summary>One request as the fake saw it: when it arrived and how it was answered.</summary>
public sealed record LoggedRequest(DateTimeOffset At, string Method, string Path, string Query, int Status)
{
    /// <summary>The request's <c>Stripe-Account</c> header: the connected account it was made for, null for the platform.</summary>
    public string? StripeAccount { get; init; }
}
