using System.Text.Json.Nodes;

namespace StripeCdc.Correctness.Tests.Verification;

/// <summary>Compares a sink's state with Stripe's, field by field, object by object and child by child.</summary>
internal static class StateComparison
{
    /// <param name="skip">Objects the sink cannot be held to (a Kafka consumer cannot order same-second events).</param>
    public static List<Mismatch> Compare(
        Dictionary<ObjectKey, ObservedObject> expected,
        Dictionary<ObjectKey, ObservedObject> actual,
        Func<ObjectKey, bool>? skip = null)
    {
        var mismatches = new List<Mismatch>();
        foreach (var (key, stripe) in expected)
        {
            if (skip?.Invoke(key) == true)
            {
                continue;
            }

            if (!actual.TryGetValue(key, out var sink))
            {
                mismatches.Add(new(MismatchKind.Missing, key, stripe.Deleted ? "deleted in Stripe, never written" : "no row or record"));
                continue;
            }

            if (stripe.Deleted)
            {
                if (!sink.Deleted)
                {
                    mismatches.Add(new(MismatchKind.Resurrected, key, $"deleted in Stripe, alive in the sink (version {Version(sink.Data)})"));
                }

                continue;
            }

            if (sink.Deleted)
            {
                mismatches.Add(new(MismatchKind.Stale, key, "alive in Stripe, deleted in the sink"));
                continue;
            }

            if (FirstDifference(stripe.Data!, sink.Data!) is { } field)
            {
                mismatches.Add(new(MismatchKind.Stale, key, $"'{field}' differs: Stripe version {Version(stripe.Data)}, sink version {Version(sink.Data)}"));
            }

            if (stripe.Children is { } children)
            {
                CompareChildren(key, children, sink, mismatches);
            }
        }

        foreach (var key in actual.Keys.Where(k => !expected.ContainsKey(k)))
        {
            mismatches.Add(new(MismatchKind.Extra, key, "not an object of that account and table in Stripe"));
        }

        return mismatches;
    }

    private static void CompareChildren(ObjectKey parent, Dictionary<string, JsonObject> stripe, ObservedObject sink, List<Mismatch> mismatches)
    {
        var held = sink.Children ?? [];
        var missing = stripe.Keys.Count(id => !held.ContainsKey(id));
        if (sink.Truncated)
        {
            mismatches.Add(new(MismatchKind.Truncated, parent, $"children marked _fanout_truncated: {held.Count} of {stripe.Count}"));
        }
        else if (missing > 0)
        {
            mismatches.Add(new(MismatchKind.Missing, parent, $"{missing} of {stripe.Count} children missing"));
        }

        foreach (var (id, child) in held)
        {
            if (!stripe.TryGetValue(id, out var expected))
            {
                mismatches.Add(new(MismatchKind.Extra, parent, $"child {id} is not in Stripe's list"));
            }
            else if (FirstDifference(expected, child) is { } field)
            {
                mismatches.Add(new(MismatchKind.Stale, parent, $"child {id}: '{field}' differs"));
            }
        }
    }

    /// <summary>The first top-level field whose JSON differs, or null when both are equal.</summary>
    private static string? FirstDifference(JsonObject expected, JsonObject actual)
    {
        foreach (var (name, value) in expected)
        {
            if (!actual.TryGetPropertyValue(name, out var other) || !JsonNode.DeepEquals(value, other))
            {
                return name;
            }
        }

        return actual.Select(p => p.Key).FirstOrDefault(name => !expected.ContainsKey(name));
    }

    private static string Version(JsonObject? data) => data?["metadata"]?["version"]?.ToString() ?? "?";
}
