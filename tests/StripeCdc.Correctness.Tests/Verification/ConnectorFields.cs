using System.Text.Json.Nodes;

namespace StripeCdc.Correctness.Tests.Verification;

/// <summary>The fields the connector adds to a record value (SPEC §3, §4); what remains is Stripe's object.</summary>
internal static class ConnectorFields
{
    private static readonly string[] Added =
    [
        "_event_id", "_event_type", "_event_created", "_api_version", "_livemode", "_previous_attributes", "_account",
        "__deleted", "__changeType", "_ctx_event_id", "_fanout_truncated",
    ];

    /// <summary>Stripe's object out of a record value, and whether the value was marked <c>_fanout_truncated</c>.</summary>
    public static (JsonObject Object, bool Truncated) Strip(JsonObject value)
    {
        var truncated = value["_fanout_truncated"]?.GetValue<bool>() == true;
        foreach (var name in Added)
        {
            value.Remove(name);
        }

        return (value, truncated);
    }
}
