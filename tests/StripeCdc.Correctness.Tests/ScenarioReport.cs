using System.Globalization;
using System.Text;
using StripeCdc.Correctness.Tests.Delivery;
using StripeCdc.Correctness.Tests.Verification;

namespace StripeCdc.Correctness.Tests;

/// <summary>The figures of one scenario run (SPEC §11, as a Connect platform: §12) and its mismatches per sink.</summary>
internal sealed class ScenarioReport(int seed)
{
    public int Seed { get; } = seed;

    public int Objects { get; set; }

    /// <summary>Connected accounts, the mid-run one included (the platform's own account is not counted).</summary>
    public int ConnectedAccounts { get; set; }

    public int PlatformObjects { get; set; }

    public int PlatformEvents { get; set; }

    /// <summary>Objects (those made before the history included) and events per connected account.</summary>
    public Spread ObjectsPerAccount { get; set; }

    public Spread EventsPerAccount { get; set; }

    public string LateAccount { get; set; } = string.Empty;

    public int LateAccountObjects { get; set; }

    /// <summary>The mid-run account's objects made before it connected: only its backfill can find them.</summary>
    public int LateAccountPreexisting { get; set; }

    public int LateAccountEvents { get; set; }

    public Dictionary<string, int> ObjectsByKind { get; set; } = [];

    public Dictionary<string, int> EventsByKind { get; set; } = [];

    /// <summary>The object kind of each (table, id) (the same in every account), to count mismatches by kind of object.</summary>
    public Dictionary<(string Table, string Id), string> KindOf { get; set; } = [];

    public int LongChildLists { get; set; }

    public int Deleted { get; set; }

    public int Cancelled { get; set; }

    public int Events { get; set; }

    /// <summary>Objects whose last two events share a second.</summary>
    public int Ties { get; set; }

    /// <summary>Objects a Kafka consumer cannot order (their latest second holds two events, snapshot reads included).</summary>
    public int KafkaUnorderable { get; set; }

    public Dictionary<string, int> KafkaUnorderableByKind { get; set; } = [];

    /// <summary>Postgres rows that hold a tie's re-read from the Stripe API.</summary>
    public int Revalidated { get; set; }

    public DeliveryFigures Delivery { get; set; } = new();

    public int UndeliveredEvents { get; set; }

    public double OutageSeconds { get; set; }

    public Dictionary<string, SinkFigures> Sinks { get; } = [];

    public Dictionary<string, List<Mismatch>> Mismatches { get; } = [];

    /// <summary>Dead-lettered events per sink, by reason.</summary>
    public Dictionary<string, Dictionary<string, int>> DeadLetters { get; } = [];

    public string? Failure { get; set; }

    public TimeSpan Elapsed { get; set; }

    /// <summary>No failure, no mismatch on either sink, and both workers backfilled the mid-run account by themselves.</summary>
    public bool Passed => Failure is null && Mismatches.Count == 2 && Mismatches.Values.All(m => m.Count == 0)
        && Sinks.Count == 2 && Sinks.Values.All(s => s.LateAccountBackfill is not null);

    public override string ToString()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"seed {Seed}: {(Passed ? "PASSED" : "FAILED")} in {Elapsed.TotalSeconds:0} s (replay: STRIPECDC_SCENARIO_SEEDS={Seed})");
        text.AppendLine(c, $"  accounts: platform + {ConnectedAccounts} connected; platform {PlatformObjects} objects, {PlatformEvents} events; per connected account (min/median/max) {ObjectsPerAccount} objects, {EventsPerAccount} events; {LateAccount} connected mid-run: {LateAccountObjects} objects ({LateAccountPreexisting} from before), {LateAccountEvents} events");
        text.AppendLine(c, $"  objects {Objects} ({string.Join(", ", ObjectsByKind.Select(k => $"{k.Key} {k.Value}"))}); {LongChildLists} with > 10 children; {Deleted} deleted, {Cancelled} cancelled");
        text.AppendLine(c, $"  events by object: {string.Join(", ", EventsByKind.Select(k => $"{k.Key} {k.Value}"))}");
        text.AppendLine(c, $"  events {Events}; duplicates {Delivery.Duplicates}; late {Delivery.Late}; outage {OutageSeconds:0.0} s: {Delivery.FailedAttempts} failed attempts, {Delivery.RetriedAfterOutage} retried after it, {Delivery.Dropped} never retried ({UndeliveredEvents} events)");
        text.AppendLine(c, $"  ties (last two events in one second) {Ties}; Kafka-unorderable objects {KafkaUnorderable} ({string.Join(", ", KafkaUnorderableByKind.Select(k => $"{k.Key} {k.Value}"))}); Postgres rows re-read on a tie {Revalidated}");
        foreach (var (sink, f) in Sinks)
        {
            var reconciled = f.Reconciled
                ? $"reconciliation delivered {f.PlatformReconciled.Delivered} ({f.PlatformReconciled.AlreadyCommitted} already committed) for the platform, {f.AccountsReconciled.Delivered} ({f.AccountsReconciled.AlreadyCommitted}) over {f.AccountReconciliations} connected accounts"
                : "no reconciliation";
            text.AppendLine(c, $"  {sink}: snapshot read {f.PlatformSnapshot} platform objects, {f.AccountsSnapshot} of connected accounts (--accounts all), {f.SelfStartedBackfillObjects} in {f.SelfStartedBackfills} backfills the worker started by itself, {(f.LateAccountBackfill is { } backfill ? $"{backfill} in the mid-run account's" : "none of the mid-run account")}; {reconciled}");
        }

        foreach (var (sink, reasons) in DeadLetters)
        {
            text.AppendLine(c, $"  {sink} dead letters: {(reasons.Count == 0 ? "none" : string.Join(", ", reasons.Select(r => $"{r.Key} {r.Value}")))}");
        }

        foreach (var (sink, mismatches) in Mismatches)
        {
            var kinds = Enum.GetValues<MismatchKind>().Select(k => $"{k.ToString().ToLowerInvariant()} {mismatches.Count(m => m.Kind == k)}");
            text.AppendLine(c, $"  {sink} mismatches: {string.Join(", ", kinds)}");
            if (mismatches.Count > 0)
            {
                var byObject = mismatches.GroupBy(m => KindOf.GetValueOrDefault((m.Key.Table, m.Key.Id), m.Key.Table)).Select(g => $"{g.Key} {g.Count()}");
                text.AppendLine(c, $"    by object: {string.Join(", ", byObject)}");
                var byAccount = mismatches.GroupBy(m => m.Key.Account.Length == 0 ? "platform" : m.Key.Account).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}");
                text.AppendLine(c, $"    by account: {string.Join(", ", byAccount)}");
            }

            foreach (var mismatch in mismatches.Take(15))
            {
                text.AppendLine(c, $"    {mismatch}");
            }
        }

        if (Failure is not null)
        {
            text.AppendLine(c, $"  run failed: {Failure}");
        }

        return text.ToString();
    }
}
