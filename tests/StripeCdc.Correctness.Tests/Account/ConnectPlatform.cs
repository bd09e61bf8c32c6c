using System.Globalization;
using StripeCdc.FakeStripe;

namespace StripeCdc.Correctness.Tests.Account;

/// <summary>
/// The Stripe Connect platform the scenario plays (SPEC §12): the platform's own account, the accounts
/// connected before the connector is deployed, and one account that connects mid-run. Each is a
/// <see cref="SimulatedAccount"/> over its own data in the fake API, with objects of the same kinds and ids
/// (<c>cus_sc00001</c> is in every account), so a record keyed without its account would collide.
/// </summary>
internal sealed class ConnectPlatform
{
    public const int ConnectedAtStart = 21;

    /// <summary>Objects of each kind the mid-run account has before it connects (only its backfill can find them).</summary>
    private const int LateAccountPreexistingPerKind = 3;

    private readonly FakeStripeServer _stripe;
    private readonly TimeProvider _time;
    // Written by the thread that makes history, read by the courier's (an undelivered event's account).
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SimulatedAccount> _accounts = new(StringComparer.Ordinal);

    public ConnectPlatform(FakeStripeServer stripe, TimeProvider time, int seed)
    {
        _stripe = stripe;
        _time = time;
        Platform = new SimulatedAccount(stripe.Data, time);
        Platform.SeedBeforeHistory(disputes: 5, creditNotes: 5, openSessions: 8, new Random(seed + 2));
        _accounts[Platform.AccountId] = Platform;
        var random = new Random(seed + 3);
        for (var i = 1; i <= ConnectedAtStart; i++)
        {
            var id = AccountIdOf(i);
            var account = new SimulatedAccount(stripe.Accounts.Add(id, time.GetUtcNow().ToUnixTimeSeconds()), time, id);
            account.SeedBeforeHistory(disputes: 1, creditNotes: 1, openSessions: 1, random);
            account.SeedSilently(perKind: 1, random);
            _accounts[id] = account;
        }
    }

    public SimulatedAccount Platform { get; }

    /// <summary>The account that connects mid-run, after the <c>--accounts all</c> snapshot listed the others.</summary>
    public string LateAccountId { get; } = AccountIdOf(ConnectedAtStart + 1);

    /// <summary>The mid-run account's objects from before it connected.</summary>
    public int LateAccountPreexisting { get; private set; }

    /// <summary>Every account so far: the platform first, then the connected ones.</summary>
    public IEnumerable<SimulatedAccount> Accounts => _accounts.Values;

    public IEnumerable<SimulatedAccount> ConnectedAccounts => _accounts.Values.Where(a => !a.IsPlatform);

    public IEnumerable<string> ConnectedAccountIds => ConnectedAccounts.Select(a => a.AccountId);

    public SimulatedAccount AccountOf(string accountId)
    {
        lock (_gate)
        {
            return _accounts[accountId];
        }
    }

    /// <summary>
    /// Every account's seeded history in one timeline: the accounts' ticks interleaved at random (each account's
    /// in its own order), the mid-run account's spread over the last fifth.
    /// </summary>
    public List<ScenarioTick> Timeline(Random random)
    {
        var queues = _accounts.Keys.Select(account => (account, Ticks: new Queue<HistoryStep[]>(
            HistoryScript.Generate(random, account.Length == 0 ? HistoryScale.Platform : HistoryScale.ConnectedAccount)))).ToList();
        var timeline = new List<ScenarioTick>();
        for (var remaining = queues.Sum(q => q.Ticks.Count); remaining > 0; remaining--)
        {
            // An account with more left is picked more often, so every account's history spans the whole run.
            var pick = random.Next(remaining);
            var (account, ticks) = queues.First(q => (pick -= q.Ticks.Count) < 0);
            timeline.Add(new ScenarioTick(account, ticks.Dequeue()));
        }

        var late = HistoryScript.Generate(random, HistoryScale.ConnectedAccount);
        var first = timeline.Count * 8 / 10;
        var span = timeline.Count * 17 / 100;
        for (var i = late.Count - 1; i >= 0; i--)
        {
            timeline.Insert(first + (span * i / late.Count), new ScenarioTick(LateAccountId, late[i]));
        }

        return timeline;
    }

    /// <summary>
    /// The mid-run account connects: it had objects before (created silently), then Stripe sends
    /// <c>account.application.authorized</c>, its first event the platform sees.
    /// </summary>
    public StripeEvent ConnectLateAccount(Random random)
    {
        var account = new SimulatedAccount(_stripe.Accounts.Add(LateAccountId, _time.GetUtcNow().ToUnixTimeSeconds()), _time, LateAccountId);
        account.SeedBeforeHistory(disputes: 2, creditNotes: 2, openSessions: 2, random);
        account.SeedSilently(LateAccountPreexistingPerKind, random);
        LateAccountPreexisting = account.Objects.Count;
        lock (_gate)
        {
            _accounts[LateAccountId] = account;
        }

        return account.AuthorizeApplication();
    }

    private static string AccountIdOf(int index) => string.Create(CultureInfo.InvariantCulture, $"acct_sc{index:D4}");
}
