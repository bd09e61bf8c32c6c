using System.Text.Json.Nodes;

namespace StripeCdc.Correctness.Tests.Account;

/// <summary>
/// What a connected account (SPEC §12) adds to an account's life: objects of every kind made before the
/// platform's connector could see them, and the event Stripe sends when the account connects to the platform.
/// </summary>
internal sealed partial class SimulatedAccount
{
    /// <summary>Puts objects of the kinds that have events into the fake API silently: only a snapshot (or backfill) finds them.</summary>
    public void SeedSilently(int perKind, Random random)
    {
        ObjectKind[] kinds = [ObjectKind.Customer, ObjectKind.Product, ObjectKind.Price, ObjectKind.Subscription, ObjectKind.Invoice, ObjectKind.Charge];
        foreach (var kind in kinds)
        {
            for (var i = 0; i < perKind; i++)
            {
                // Some lists longer than Stripe embeds, as a live account would have.
                var children = kind.ChildField is null ? 0 : random.NextDouble() < 0.3 ? random.Next(11, 16) : random.Next(1, 4);
                Add(kind, PreexistingIndex + i, children);
            }
        }
    }

    /// <summary>
    /// <c>account.application.authorized</c>: the account has just connected to the platform. Its object is the
    /// platform's application, not one of the account's objects, so it is not tracked (no table of the scenario holds it).
    /// </summary>
    public StripeEvent AuthorizeApplication()
    {
        var application = new JsonObject { ["id"] = "ca_scenarioplatform", ["object"] = "application", ["name"] = "StripeCdc scenario" };
        return Emit(new TrackedObject(ObjectKind.Application, "ca_scenarioplatform", application), "account.application.authorized", previousAttributes: null);
    }
}
