namespace StripeCdc.Correctness.Tests.Account;

/// <summary>
/// One event a fake Stripe account emitted: the webhook body Stripe would deliver, byte for byte, and the
/// connected account it belongs to (empty for the platform's own).
/// </summary>
internal sealed record StripeEvent(int Index, string Id, string Type, TrackedObject Object, long Created, byte[] Body, string Account);
