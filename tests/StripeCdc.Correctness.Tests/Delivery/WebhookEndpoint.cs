namespace StripeCdc.Correctness.Tests.Delivery;

/// <summary>A webhook endpoint Stripe delivers to: one deployment's ingest.</summary>
internal sealed record WebhookEndpoint(string Name, Uri Url, string Secret);
