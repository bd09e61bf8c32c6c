namespace StripeCdc.Ledger;

/// <summary>
/// The committed ids of the last <see cref="EventLedgerOptions.Window"/>, as fingerprints with their
/// commit time (~36 bytes an id), bounded by age and by count. Over the count, the oldest ids go first
/// (in sweeps down to 90 % of the bound, so an add costs O(1) amortised); a re-added id keeps its newest time.
/// </summary>
internal sealed class EventLedgerWindow(TimeSpan window, int maxEntries)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<EventFingerprint, long> _committedAt = [];
    private readonly long _windowMs = (long)window.TotalMilliseconds;
    private long _nextAgeSweepMs = long.MinValue;

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

    /// <summary>Commit time (Unix ms) of the newest id dropped for room before its window ended; 0 when none was.</summary>
    public long EvictedEarlyUpToMs { get; private set; }

    public void Add(string key, long committedAtMs, long nowMs) => Add(EventFingerprint.Of(key), committedAtMs, nowMs);

    public void Add(ReadOnlySpan<byte> utf8Key, long committedAtMs, long nowMs) => Add(EventFingerprint.Of(utf8Key), committedAtMs, nowMs);

    public void Remove(string key) => Remove(EventFingerprint.Of(key));

    public void Remove(ReadOnlySpan<byte> utf8Key) => Remove(EventFingerprint.Of(utf8Key));

    public bool Contains(string key, long nowMs)
    {
        var fingerprint = EventFingerprint.Of(key);
        lock (_lock)
        {
            return _committedAt.TryGetValue(fingerprint, out var at) && nowMs - at <= _windowMs;
        }
    }

    private void Add(EventFingerprint fingerprint, long committedAtMs, long nowMs)
    {
        if (nowMs - committedAtMs > _windowMs)
        {
            return;
        }

        lock (_lock)
        {
            ref var at = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_committedAt, fingerprint, out var known);
            if (known && at >= committedAtMs)
            {
                return;
            }

            at = committedAtMs;
            if (nowMs >= _nextAgeSweepMs)
            {
                // Expired ids are invisible to Contains already; sweeping them ~100 times a window frees their memory.
                _nextAgeSweepMs = nowMs + Math.Max(_windowMs / 100, 1);
                RemoveOlderThan(nowMs - _windowMs, early: false);
            }

            if (_committedAt.Count > maxEntries)
            {
                TrimToCount(maxEntries - (maxEntries / 10));
            }
        }
    }

    private void Remove(EventFingerprint fingerprint)
    {
        lock (_lock)
        {
            _committedAt.Remove(fingerprint);
        }
    }

    private void TrimToCount(int target)
    {
        var times = new long[_committedAt.Count];
        _committedAt.Values.CopyTo(times, 0);
        var drop = times.Length - target;
        Array.Sort(times);
        RemoveOlderThan(times[drop - 1] + 1, early: true);
    }

    private void RemoveOlderThan(long cutoffMs, bool early)
    {
        foreach (var (fingerprint, at) in _committedAt)
        {
            if (at < cutoffMs)
            {
                // Removing during enumeration is allowed for Dictionary since .NET Core 3.0.
                _committedAt.Remove(fingerprint);
                if (early)
                {
                    EvictedEarlyUpToMs = Math.Max(EvictedEarlyUpToMs, at);
                }
            }
        }
    }
}
