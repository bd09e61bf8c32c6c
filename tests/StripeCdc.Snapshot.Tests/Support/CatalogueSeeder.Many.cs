using System.Text.Json;
using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Snapshots;

namespace StripeCdc.Snapshot.Tests.Support;

internal static partial class CatalogueSeeder
{
    /// <summary>
    /// Puts <paramref name="count"/> objects of every top-level resource into the fake Stripe API, one object of
    /// each child resource under every parent object, and each singleton. Returns every object as its type and
    /// id (a singleton's id is null).
    /// </summary>
    public static List<(string Type, string? Id)> SeedSomeOfEach(FakeStripeData data, long created, Func<SnapshotResource, int> count)
    {
        var objects = new List<(string Type, string? Id)>();
        var ids = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var index = 0;
        foreach (var resource in SnapshotResource.All.OrderBy(r => r.Parent is null ? 0 : 1))
        {
            if (resource.IsSingleton)
            {
                data.SetSingleton(resource.ListPath, JsonSerializer.Serialize(new Dictionary<string, object> { ["object"] = resource.Name, ["livemode"] = false }));
                objects.Add((resource.Name, null));
                continue;
            }

            var parents = resource.Parent is { } parent ? ids[parent.Resource].Select(p => (string?)p) : Enumerable.Repeat<string?>(null, count(resource));
            ids[resource.Name] = [];
            foreach (var parentId in parents)
            {
                var id = $"obj_{index++:D4}{resource.Name.Replace('.', '_')}";
                var fields = new Dictionary<string, object?> { ["id"] = id, ["object"] = resource.Name, ["created"] = created, ["livemode"] = false };
                var attributes = resource.Query.ToDictionary(q => q.Key, q => q.Value, StringComparer.Ordinal);
                var path = resource.ListPath;
                if (parentId is not null)
                {
                    (path, _) = resource.ListFor(parentId);
                    if (resource.Parent!.QueryParameter is { } parameter)
                    {
                        attributes[parameter] = parentId;
                        fields[parameter] = parentId;
                    }
                }

                data.Add(path, new FakeObject(id, created, JsonSerializer.Serialize(fields), attributes));
                ids[resource.Name].Add(id);
                objects.Add((resource.Name, id));
            }
        }

        return objects;
    }
}
