namespace StripeCdc.Correctness.Tests.Delivery;

/// <summary>What the courier did, per endpoint where it differs.</summary>
internal sealed class DeliveryFigures
{
    public int Duplicates;
    public int Late;
    public int FailedAttempts;
    public int RetriedAfterOutage;

    /// <summary>Deliveries Stripe gave up on (never retried), summed over endpoints.</summary>
    public int Dropped;
}
