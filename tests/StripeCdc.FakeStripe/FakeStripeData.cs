using System.Collections.Concurrent;

namespace StripeCdc.FakeStripe;

/// <summary>
/// The fake account's contents: one <see cref="FakeCollection"/> per list path (<c>/v1/customers</c>,
/// <c>/v1/invoices/in_…/lines</c>, …) and every object by id for retrieval.
/// </summary>
public sealed class FakeStripeData
{
    private readonly ConcurrentDictionary<string, FakeCollection> _collections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FakeObject> _objects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _singletons = new(StringComparer.Ordinal);

    public FakeCollection Collection(string listPath) => _collections.GetOrAdd(listPath, _ => new FakeCollection());

    public bool TryGetCollection(string listPath, out FakeCollection collection) =>
        _collections.TryGetValue(listPath, out collection!);

    public FakeObject Add(string listPath, FakeObject item)
    {
        Collection(listPath).Add(item);
        _objects[item.Id] = item;
        return item;
    }

    /// <summary>Makes an object retrievable by id without listing it anywhere.</summary>
    public FakeObject AddRetrievable(FakeObject item)
    {
        _objects[item.Id] = item;
        return item;
    }

    /// <summary>Stores a new version of an object in every place it is listed, atomically per list.</summary>
    public FakeObject Replace(string listPath, FakeObject item)
    {
        if (!Collection(listPath).Replace(item))
        {
            Collection(listPath).Add(item);
        }

        _objects[item.Id] = item;
        return item;
    }

    public FakeObject? Find(string id) => _objects.GetValueOrDefault(id);

    /// <summary>Sets the one object an account has of a kind without ids (<c>GET /v1/balance</c>).</summary>
    public void SetSingleton(string path, string json) => _singletons[path] = System.Text.Encoding.UTF8.GetBytes(json);

    public byte[]? FindSingleton(string path) => _singletons.GetValueOrDefault(path);

    public void Remove(string listPath, string id)
    {
        Collection(listPath).Remove(id);
        _objects.TryRemove(id, out _);
    }
}
