using System.Text.Json.Nodes;

namespace StripeCdc.Correctness.Tests.Account;

/// <summary>
/// One object the scenario created in the fake Stripe account: its current state as Stripe holds it,
/// its child list (invoice lines, refunds, subscription items) and the times of its events.
/// </summary>
internal sealed class TrackedObject(ObjectKind kind, string id, JsonObject state)
{
    public ObjectKind Kind { get; } = kind;

    public string Id { get; } = id;

    /// <summary>The object as the API returns it now (its embedded child list holds the first 10 children).</summary>
    public JsonObject State { get; } = state;

    /// <summary>Every child, newest first (the API's order); empty for kinds without a child list.</summary>
    public List<JsonObject> Children { get; } = [];

    /// <summary>Deleted (customers, products, prices, draft invoices); a cancelled subscription is not deleted.</summary>
    public bool Deleted { get; set; }

    /// <summary>The <c>created</c> second of each of its events, in order.</summary>
    public List<long> EventTimes { get; } = [];

    /// <summary>Its last two events share a second: a Kafka consumer ordering by <c>_event_created</c> cannot tell them apart.</summary>
    public bool LastTwoEventsTie => EventTimes.Count > 1 && EventTimes[^1] == EventTimes[^2];
}
