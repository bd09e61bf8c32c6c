using System.Text.Json.Nodes;
using StripeCdc.Correctness.Tests.Account;

namespace StripeCdc.Correctness.Tests.Verification;

/// <summary>Stripe's final state of every object the scenario touched, by account, table and id.</summary>
internal static class ExpectedState
{
    public static Dictionary<ObjectKey, ObservedObject> Of(IEnumerable<SimulatedAccount> accounts) =>
        accounts.SelectMany(a => a.Objects.Select(o => (Key: new ObjectKey(a.AccountId, o.Kind.Table, o.Id), Object: o))).ToDictionary(
            e => e.Key,
            e => Observed(e.Key, e.Object));

    private static ObservedObject Observed(ObjectKey key, TrackedObject o) => new(
        key,
        o.Deleted,
        o.Deleted ? null : o.State.DeepClone().AsObject(),
        o.Kind.ChildTable is null || o.Deleted ? null : o.Children.ToDictionary(c => c["id"]!.GetValue<string>(), c => c.DeepClone().AsObject(), StringComparer.Ordinal));
}
