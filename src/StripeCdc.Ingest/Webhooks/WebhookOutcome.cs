namespace StripeCdc.Ingest.Webhooks;

/// <summary>The <c>stripecdc.outcome</c> tag values of events that did not reach a pipeline outcome.</summary>
internal static class WebhookOutcome
{
    public const string Unauthorized = "unauthorized";
    public const string HeadersTooLarge = "headers_too_large";
    public const string BodyTooLarge = "body_too_large";
    public const string Overloaded = "overloaded";
    public const string NotCommitted = "not_committed";
}
