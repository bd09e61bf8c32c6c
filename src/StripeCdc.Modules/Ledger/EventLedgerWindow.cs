namespace StripeCdc.Ledger;

/// <summary>
/// The committed ids of the last <see cref="EventLedgerOptions.Window"/>, bounded by count and age.
/// Ids are evicted in the order they were added; a re-added id keeps its newest time.
/// </summary>
internal sealed class EventLedgerWindow(TimeSpan window, int maxEntries)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _committedAt = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, long At)> _order = new();
    private readonly long _windowMs = (long)window.TotalMilliseconds;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _committedAt.Count;
            }
        }
    }

    public void Add(string key, long committedAtMs, long nowMs)
    {
        if (nowMs - committedAtMs > _windowMs)
        {
            return;
        }

        lock (_lock)
        {
            if (_committedAt.TryGetValue(key, out var known) && known >= committedAtMs)
            {
                return;
            }

            _committedAt[key] = committedAtMs;
            _order.Enqueue((key, committedAtMs));
            Trim(nowMs);
        }
    }

    public void Remove(string key)
    {
        lock (_lock)
        {
            _committedAt.Remove(key);
        }
    }

    public bool Contains(string key, long nowMs)
    {
        lock (_lock)
        {
            return _committedAt.TryGetValue(key, out var at) && nowMs - at <= _windowMs;
        }
    }

    private void Trim(long nowMs)
    {
        while (_order.TryPeek(out var head) && (_committedAt.Count > maxEntries || nowMs - head.At > _windowMs || _order.Count > 2 * maxEntries))
        {
            _order.Dequeue();
            if (_committedAt.TryGetValue(head.Key, out var at) && at == head.At)
            {
                _committedAt.Remove(head.Key);
            }
        }
    }
}
