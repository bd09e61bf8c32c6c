using System.Text.Json.Nodes;

namespace StripeCdc.Correctness.Tests.Verification;

/// <summary>
/// An object as a sink holds it, or as Stripe holds it: its fields without the connector's metadata,
/// whether it is deleted, and its children by id (null for objects without a child list).
/// </summary>
internal sealed record ObservedObject(ObjectKey Key, bool Deleted, JsonObject? Data, Dictionary<string, JsonObject>? Children, bool Truncated = false);
