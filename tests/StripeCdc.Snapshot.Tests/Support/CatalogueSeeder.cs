using System.Text.Json;
using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Snapshots;

namespace StripeCdc.Snapshot.Tests.Support;

/// <summary>
/// Puts one object of every catalogue resource into the fake Stripe API where Stripe would list it: top-level
/// lists, lists under their parent's id (path or query), and singletons. Returns each resource's object id
/// (null for a singleton).
/// </summary>
internal static partial class CatalogueSeeder
{
    public static Dictionary<string, string?> SeedOneOfEach(FakeStripeData data, long created)
    {
        var ids = new Dictionary<string, string?>(StringComparer.Ordinal);
        var index = 0;
        // Parents first: a child is listed under its parent's id.
        foreach (var resource in SnapshotResource.All.OrderBy(r => r.Parent is null ? 0 : 1))
        {
            var id = resource.IsSingleton ? null : $"obj_{index++:D3}{resource.Name.Replace('.', '_')}";
            var fields = new Dictionary<string, object?>();
            if (id is not null)
            {
                fields["id"] = id;
            }

            fields["object"] = resource.Name;
            fields["created"] = created;
            fields["livemode"] = false;

            var attributes = resource.Query.ToDictionary(q => q.Key, q => q.Value, StringComparer.Ordinal);
            var path = resource.ListPath;
            if (resource.Parent is { } parent)
            {
                var parentId = ids[parent.Resource]!;
                (path, _) = resource.ListFor(parentId);
                if (parent.QueryParameter is { } parameter)
                {
                    attributes[parameter] = parentId;
                    fields[parameter] = parentId;
                }
            }

            var json = JsonSerializer.Serialize(fields);
            if (resource.IsSingleton)
            {
                data.SetSingleton(path, json);
            }
            else
            {
                data.Add(path, new FakeObject(id!, created, json, attributes));
            }

            ids[resource.Name] = id;
        }

        return ids;
    }
}
