namespace StripeCdc.FakeStripe;

/// <summary>
/// One list endpoint's objects, newest first (Stripe's order), with cursor pagination over them. A removed
/// object keeps its place, hidden, so a cursor that names it still continues where it was, as on Stripe.
/// </summary>
public sealed class FakeCollection
{
    private readonly Lock _lock = new();
    private readonly List<FakeObject> _objects = [];
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);
    private Dictionary<string, int>? _positions;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _objects.Count - _removed.Count;
            }
        }
    }

    public IReadOnlyList<FakeObject> Snapshot()
    {
        lock (_lock)
        {
            return [.. _objects.Where(o => !_removed.Contains(o.Id))];
        }
    }

    /// <summary>Adds an object; the collection stays sorted newest first (ties keep insertion order).</summary>
    public void Add(FakeObject item)
    {
        lock (_lock)
        {
            var index = _objects.Count == 0 || _objects[^1].Created >= item.Created
                ? -1
                : _objects.FindIndex(o => o.Created < item.Created);
            _objects.Insert(index < 0 ? _objects.Count : index, item);
            _positions = null;
        }
    }

    public bool Remove(string id)
    {
        lock (_lock)
        {
            return _objects.Exists(o => o.Id == id) && _removed.Add(id);
        }
    }

    /// <summary>Puts a new version of a listed object in place (same position); false when it is not listed.</summary>
    public bool Replace(FakeObject item)
    {
        lock (_lock)
        {
            var index = _objects.FindIndex(o => o.Id == item.Id);
            if (index < 0 || _removed.Contains(item.Id))
            {
                return false;
            }

            _objects[index] = item;
            return true;
        }
    }

    /// <summary>One page: up to <paramref name="limit"/> matching objects after <paramref name="startingAfter"/>.</summary>
    public (IReadOnlyList<FakeObject> Page, bool HasMore) List(Func<FakeObject, bool> filter, string? startingAfter, int limit)
    {
        lock (_lock)
        {
            var start = 0;
            if (startingAfter is not null)
            {
                _positions ??= _objects.Select((o, i) => (o.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
                if (!_positions.TryGetValue(startingAfter, out var index))
                {
                    throw new KeyNotFoundException(startingAfter);
                }

                start = index + 1;
            }

            var page = new List<FakeObject>(limit);
            var hasMore = false;
            for (var i = start; i < _objects.Count; i++)
            {
                if (_removed.Contains(_objects[i].Id) || !filter(_objects[i]))
                {
                    continue;
                }

                if (page.Count == limit)
                {
                    hasMore = true;
                    break;
                }

                page.Add(_objects[i]);
            }

            return (page, hasMore);
        }
    }
}
