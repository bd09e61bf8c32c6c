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

    public void Remove(string listPath, string id)
    {
        Collection(listPath).Remove(id);
        _objects.TryRemove(id, out _);
    }
}
