using StripeCdc.Snapshot.Snapshots;
using StripeCdc.StripeApi;

namespace StripeCdc.Snapshot.Catalog;

/// <summary>
/// Every resource a snapshot can read (SPEC §6), derived from the pinned Stripe.net client: each top-level
/// list, each list under a parent (walked through its parents), each singleton read with one GET, less the
/// endpoints <see cref="CatalogRules.Excluded"/> names. A resource is named after its object type
/// (<c>customer</c>, <c>checkout.session</c>), and its snapshot records are typed after its live events
/// (<c>customer.subscription.snapshot</c>) so they land where those events land.
/// </summary>
internal sealed class ResourceCatalog
{
    private static readonly Lazy<ResourceCatalog> Pinned = new(() => Build(StripeNetEndpoints.Read(), LiveEventTypes()));

    private readonly Dictionary<string, SnapshotResource> _byName;

    private ResourceCatalog(IReadOnlyList<SnapshotResource> resources)
    {
        Resources = resources;
        _byName = resources.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The catalogue of the Stripe.net version this build pins.</summary>
    public static ResourceCatalog Default => Pinned.Value;

    public IReadOnlyList<SnapshotResource> Resources { get; }

    public SnapshotResource? Find(string name) => _byName.GetValueOrDefault(name);

    internal static ResourceCatalog Build(IReadOnlyList<StripeNetEndpoint> endpoints, IReadOnlyCollection<string> liveEventTypes)
    {
        var prefixes = EventPrefixes(liveEventTypes);
        var candidates = endpoints.Where(e => !CatalogRules.Excluded.ContainsKey(e.ObjectType)).ToList();
        var topLevel = candidates
            .Where(e => e.IsList && !e.Path.Contains(ListEndpointRecorder.ParentMarker, StringComparison.Ordinal))
            .GroupBy(e => e.ObjectType)
            .ToDictionary(g => g.Key, g => g.OrderBy(e => e.Path.Length).First(), StringComparer.Ordinal);

        var resources = new List<SnapshotResource>();
        foreach (var group in candidates.GroupBy(e => e.ObjectType).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var name = group.Key;
            var prefix = prefixes.GetValueOrDefault(name);
            var filters = CatalogRules.Filters.GetValueOrDefault(name) ?? [];
            var nested = group.FirstOrDefault(e => e.IsList && e.Path.Contains(ListEndpointRecorder.ParentMarker, StringComparison.Ordinal));
            if (group.All(e => !e.IsList))
            {
                resources.Add(new SnapshotResource(name, group.First().Path, group.First().Query, prefix, IsSingleton: true));
            }
            else if (CatalogRules.QueryParents.TryGetValue(name, out var byQuery) && topLevel.TryGetValue(name, out var queried))
            {
                resources.Add(new SnapshotResource(name, queried.Path, [.. queried.Query, .. filters], prefix, new ParentWalk(byQuery.Parent, byQuery.Parameter)));
            }
            else if (topLevel.TryGetValue(name, out var list) && !(nested is not null && CatalogRules.ReadUnderParent.Contains(name)))
            {
                resources.Add(new SnapshotResource(name, list.Path, [.. list.Query, .. filters], prefix));
            }
            else if (nested is not null && ParentOf(nested.Path, topLevel) is { } parent)
            {
                resources.Add(new SnapshotResource(name, nested.Path, [.. nested.Query, .. filters], prefix, new ParentWalk(parent, QueryParameter: null)));
            }
        }

        // A parent must itself be readable from the top, or its children could never be reached.
        return new ResourceCatalog([.. resources.Where(r => r.Parent is null || resources.Any(p => p.Name == r.Parent.Resource && p.Parent is null && !p.IsSingleton))]);
    }

    /// <summary>The parent resource of <c>/v1/customers/{parent}/tax_ids</c>: the one listed at <c>/v1/customers</c>.</summary>
    private static string? ParentOf(string nestedPath, Dictionary<string, StripeNetEndpoint> topLevel)
    {
        var parentList = nestedPath[..nestedPath.IndexOf("/" + ListEndpointRecorder.ParentMarker, StringComparison.Ordinal)];
        return topLevel.FirstOrDefault(e => e.Value.Path == parentList && e.Value.Query.Count == 0).Key;
    }

    /// <summary>The prefix of each object type's live event types (<see cref="StripeEventPrefixes.Of"/>).</summary>
    internal static Dictionary<string, string> EventPrefixes(IReadOnlyCollection<string> liveEventTypes) => StripeEventPrefixes.Of(liveEventTypes);

    private static IReadOnlyCollection<string> LiveEventTypes() => StripeEventPrefixes.LiveEventTypes;
}
