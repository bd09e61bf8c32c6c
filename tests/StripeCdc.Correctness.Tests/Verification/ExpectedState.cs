using System.Text.Json.Nodes;
using StripeCdc.Correctness.Tests.Account;

namespace StripeCdc.Correctness.Tests.Verification;

/// <summary>Stripe's final state of every object the scenario touched, by table and id.</summary>
internal static class ExpectedState
{
    public static Dictionary<(string Table, string Id), ObservedObject> Of(SimulatedAccount account) =>
        account.Objects.ToDictionary(
            o => (o.Kind.Table, o.Id),
            o => new ObservedObject(
                o.Kind.Table,
                o.Id,
                o.Deleted,
                o.Deleted ? null : o.State.DeepClone().AsObject(),
                o.Kind.ChildTable is null || o.Deleted ? null : o.Children.ToDictionary(c => c["id"]!.GetValue<string>(), c => c.DeepClone().AsObject(), StringComparer.Ordinal)));
}
