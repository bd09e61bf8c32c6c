using StripeCdc.Snapshot.Catalog;

namespace StripeCdc.Snapshot.Snapshots;

/// <summary>
/// A resource that can be snapshotted (SPEC §6): its list endpoint (or, for a singleton, the one object's
/// path), the filters it needs, the parent it is walked through, and the prefix of its live event types.
/// A snapshot record is typed <c>&lt;prefix&gt;.snapshot</c>, so routing sends it where the object's live
/// events go (SPEC §3, snapshot parity): a subscription's events are <c>customer.subscription.*</c>.
/// </summary>
internal sealed record SnapshotResource(
    string Name,
    string ListPath,
    IReadOnlyList<KeyValuePair<string, string>> Query,
    string? EventPrefix = null,
    ParentWalk? Parent = null,
    bool IsSingleton = false)
{
    /// <summary>Every resource of the catalogue (<see cref="ResourceCatalog"/>).</summary>
    public static IReadOnlyList<SnapshotResource> All => ResourceCatalog.Default.Resources;

    /// <summary>The prefix of the object's live event types: <c>customer.subscription</c> for a subscription.</summary>
    public string EventTypePrefix => EventPrefix ?? Name;

    /// <summary>The synthetic event type of a snapshot read: <c>customer.subscription.snapshot</c>.</summary>
    public string SnapshotEventType => EventTypePrefix + ".snapshot";

    /// <summary>The synthetic event type of a delete <c>snapshot --prune</c> confirmed: <c>customer.subscription.pruned</c>.</summary>
    public string PrunedEventType => EventTypePrefix + ".pruned";

    /// <summary>The resource a live event of this object is routed by under <paramref name="routing"/> (SPEC §3).</summary>
    public string RoutedResource(Configuration.RoutingMode routing)
    {
        if (routing == Configuration.RoutingMode.ObjectType)
        {
            return Name;
        }

        var dot = EventTypePrefix.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? EventTypePrefix : EventTypePrefix[..dot];
    }

    /// <summary>The name that selects the whole catalogue (<c>--resources all</c>).</summary>
    public const string AllName = "all";

    public static SnapshotResource? Find(string name) => ResourceCatalog.Default.Find(name);

    /// <summary>The names asked for, with <c>all</c> standing for every resource of the catalogue.</summary>
    public static IReadOnlyList<string> Expand(IReadOnlyList<string> names) =>
        names.Contains(AllName, StringComparer.OrdinalIgnoreCase) ? [.. All.Select(r => r.Name)] : names;

    /// <summary>The list path and query for one parent's children.</summary>
    public (string Path, IReadOnlyList<KeyValuePair<string, string>> Query) ListFor(string parentId) =>
        Parent is { QueryParameter: { } parameter }
            ? (ListPath, [.. Query, new(parameter, parentId)])
            : (ListPath.Replace(ListEndpointRecorder.ParentMarker, Uri.EscapeDataString(parentId), StringComparison.Ordinal), Query);
}

/// <summary>The parent resource whose objects a list is read under, by path (<c>/v1/customers/{parent}/…</c>) or by a query parameter.</summary>
internal sealed record ParentWalk(string Resource, string? QueryParameter);
