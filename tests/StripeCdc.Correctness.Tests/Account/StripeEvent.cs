namespace StripeCdc.Correctness.Tests.Account;

/// <summary>One event the fake Stripe account emitted: the webhook body Stripe would deliver, byte for byte.</summary>
internal sealed record StripeEvent(int Index, string Id, string Type, TrackedObject Object, long Created, byte[] Body);
