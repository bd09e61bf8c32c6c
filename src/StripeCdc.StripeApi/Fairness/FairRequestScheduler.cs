using System.Threading.RateLimiting;

namespace StripeCdc.StripeApi.Fairness;

/// <summary>
/// Shares one key's request budget fairly among the accounts it calls for (SPEC §12). The budget stays
/// the rate (<see cref="RequestBudget"/>, GCRA); this sits in front of it and decides who gets each slot:
/// callers wait here with (account, class), one pump takes the budget's slots one at a time, only while
/// someone waits, and hands each to the next in line:
/// <list type="bullet">
/// <item><see cref="RequestClass.Interactive"/> before <see cref="RequestClass.Bulk"/>, except that bulk
/// gets every <c>interactivePerBulk + 1</c>-th slot while both wait, so a stream of re-reads never stops a
/// backfill;</item>
/// <item>within a class, round-robin over accounts: an account with 500 queued pages gets one turn per
/// round, like an account with one.</item>
/// </list>
/// With <c>fair: false</c> it is one FIFO queue (what the budget alone does), kept for comparison.
/// </summary>
internal sealed class FairRequestScheduler : IDisposable
{
    public const int DefaultInteractivePerBulk = 4;

    /// <summary>Waits are counted per number of slots waited, 0 to 1023; longer ones count as 1023.</summary>
    private const int WaitBuckets = 1024;

    private readonly RateLimiter _budget;
    private readonly int _interactivePerBulk;
    private readonly bool _fair;
    private readonly Lock _lock = new();
    private readonly ClassQueue _interactive = new();
    private readonly ClassQueue _bulk = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly long[] _interactiveWaits = new long[WaitBuckets];
    private readonly long[] _bulkWaits = new long[WaitBuckets];
    private int _interactiveRun;
    private bool _pumping;
    private long _granted;
    private long _slots;

    public FairRequestScheduler(RateLimiter budget, int interactivePerBulk = DefaultInteractivePerBulk, bool fair = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(interactivePerBulk);
        _budget = budget;
        _interactivePerBulk = interactivePerBulk;
        _fair = fair;
    }

    /// <summary>Slots handed out so far.</summary>
    public long Granted => Interlocked.Read(ref _granted);

    /// <summary>Callers waiting now (cancelled ones may still be counted until their turn comes).</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _interactive.Count + _bulk.Count;
            }
        }
    }

    /// <summary>
    /// The given share (0.99 for p99) of one class's waits, in slots: how many slots went to others
    /// between a caller's arrival and its own slot (0: it got the next one). Counted in slots, not time, so
    /// a loaded machine does not blur it; a slot is <c>1/rate</c>.
    /// </summary>
    public long WaitPercentile(RequestClass requestClass, double share)
    {
        lock (_lock)
        {
            var waits = requestClass == RequestClass.Interactive ? _interactiveWaits : _bulkWaits;
            var total = waits.Sum();
            if (total == 0)
            {
                return 0;
            }

            var rank = (long)Math.Ceiling(share * total);
            long seen = 0;
            for (var slots = 0; slots < waits.Length; slots++)
            {
                seen += waits[slots];
                if (seen >= rank)
                {
                    return slots;
                }
            }

            return waits.Length - 1;
        }
    }

    /// <summary>Waits for a slot of the budget, in the order above.</summary>
    /// <param name="account">The connected account the call is made for; <c>""</c> for the platform itself.</param>
    public ValueTask AcquireAsync(string account, RequestClass requestClass, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var waiter = new Waiter(requestClass);
        bool startPump;
        lock (_lock)
        {
            waiter.ArrivedAtSlot = _slots;
            var queue = !_fair || requestClass == RequestClass.Interactive ? _interactive : _bulk;
            queue.Enqueue(_fair ? account : string.Empty, waiter);
            startPump = !_pumping;
            _pumping = true;
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((Waiter)state!).TrySetCanceled(token), waiter);
        }

        if (startPump)
        {
            _ = Task.Run(PumpAsync);
        }

        return new ValueTask(waiter.Task);
    }

    public void Dispose()
    {
        _stop.Cancel();
        lock (_lock)
        {
            _interactive.CancelAll();
            _bulk.CancelAll();
        }

        _stop.Dispose();
    }

    private async Task PumpAsync()
    {
        try
        {
            while (true)
            {
                lock (_lock)
                {
                    if (!_interactive.HasLive && !_bulk.HasLive)
                    {
                        _pumping = false;
                        return;
                    }
                }

                using var lease = await _budget.AcquireAsync(1, _stop.Token);
                if (!lease.IsAcquired)
                {
                    continue;
                }

                Waiter? next;
                lock (_lock)
                {
                    next = Next();
                    if (next is not null)
                    {
                        var waits = next.Class == RequestClass.Interactive ? _interactiveWaits : _bulkWaits;
                        waits[Math.Min(_slots - next.ArrivedAtSlot, WaitBuckets - 1)]++;
                        _slots++;
                    }
                }

                // Nobody left (all cancelled meanwhile): the slot goes unused, as it would have in the budget.
                if (next is not null && next.TrySetResult())
                {
                    Interlocked.Increment(ref _granted);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>The next live waiter: interactive first, bulk every (interactivePerBulk + 1)-th slot while both wait.</summary>
    private Waiter? Next()
    {
        var bulkTurn = _bulk.HasLive && (_interactiveRun >= _interactivePerBulk || !_interactive.HasLive);
        if (!bulkTurn && _interactive.TryDequeue() is { } interactive)
        {
            _interactiveRun++;
            return interactive;
        }

        _interactiveRun = 0;
        return _bulk.TryDequeue() ?? _interactive.TryDequeue();
    }

    /// <summary>One class's waiters: a FIFO queue per account and the accounts' turns, round-robin.</summary>
    private sealed class ClassQueue
    {
        private readonly Dictionary<string, Queue<Waiter>> _byAccount = new(StringComparer.Ordinal);
        private readonly Queue<string> _turns = new();

        public int Count { get; private set; }

        public bool HasLive
        {
            get
            {
                DropCancelledHeads();
                return Count > 0;
            }
        }

        public void Enqueue(string account, Waiter waiter)
        {
            if (!_byAccount.TryGetValue(account, out var queue))
            {
                queue = new Queue<Waiter>();
                _byAccount.Add(account, queue);
                _turns.Enqueue(account);
            }

            queue.Enqueue(waiter);
            Count++;
        }

        public Waiter? TryDequeue()
        {
            while (_turns.TryDequeue(out var account))
            {
                var queue = _byAccount[account];
                Waiter? found = null;
                while (found is null && queue.TryDequeue(out var waiter))
                {
                    Count--;
                    if (!waiter.Task.IsCompleted)
                    {
                        found = waiter;
                    }
                }

                if (queue.Count > 0)
                {
                    _turns.Enqueue(account);
                }
                else
                {
                    _byAccount.Remove(account);
                }

                if (found is not null)
                {
                    return found;
                }
            }

            return null;
        }

        public void CancelAll()
        {
            foreach (var queue in _byAccount.Values)
            {
                foreach (var waiter in queue)
                {
                    waiter.TrySetCanceled(CancellationToken.None);
                }
            }

            _byAccount.Clear();
            _turns.Clear();
            Count = 0;
        }

        /// <summary>Forgets waiters that gave up, so an all-cancelled queue does not keep the pump taking slots.</summary>
        private void DropCancelledHeads()
        {
            var accounts = _turns.Count;
            for (var i = 0; i < accounts && Count > 0; i++)
            {
                var account = _turns.Dequeue();
                var queue = _byAccount[account];
                while (queue.TryPeek(out var head) && head.Task.IsCompleted)
                {
                    queue.Dequeue();
                    Count--;
                }

                if (queue.Count > 0)
                {
                    _turns.Enqueue(account);
                }
                else
                {
                    _byAccount.Remove(account);
                }
            }
        }
    }

    private sealed class Waiter(RequestClass requestClass) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public RequestClass Class { get; } = requestClass;

        /// <summary>Slots handed out before this waiter arrived.</summary>
        public long ArrivedAtSlot { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public new bool TrySetResult()
        {
            Registration.Dispose();
            return base.TrySetResult();
        }
    }
}
