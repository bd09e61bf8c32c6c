using System.Diagnostics;
using StripeCdc.Correctness.Tests.Account;
using StripeCdc.Correctness.Tests.Delivery;
using StripeCdc.Correctness.Tests.Deployment;
using StripeCdc.Correctness.Tests.Verification;
using StripeCdc.EmbeddedKafka;
using StripeCdc.FakeStripe;
using StripeCdc.Testing;

namespace StripeCdc.Correctness.Tests;

/// <summary>
/// SPEC §11 in one run, as a Stripe Connect platform (§12): a seeded history of the platform's own account
/// and its connected accounts played in the fake Stripe API in real time, their webhooks delivered with
/// duplicates, late deliveries and an outage (both ingests killed) to two deployments — Kafka and Postgres —
/// while the connected accounts' and the platform's snapshots run; one account connects mid-run and must be
/// backfilled by itself; then one reconciliation per account; then each sink's state is compared with
/// Stripe's final state of every account.
/// </summary>
internal static class CorrectnessScenario
{
    private static readonly TimeSpan BackfillTimeout = TimeSpan.FromSeconds(60);

    public static async Task<ScenarioReport> RunAsync(int seed, EmbeddedKafkaCluster kafka, PostgresServer postgres, ScenarioOptions options)
    {
        var clock = Stopwatch.StartNew();
        await using var stripe = await FakeStripeServer.StartAsync();
        stripe.Faults.ResourceListsIgnoreStripeAccount = options.BackfillWithoutStripeAccount;
        var platform = new ConnectPlatform(stripe, TimeProvider.System, seed);
        var random = new Random(seed);
        var timeline = platform.Timeline(random);
        var runId = $"{seed}x{Guid.NewGuid():N}"[..12];
        using var kafkaSink = SinkDeployment.ForKafka(kafka, stripe.ApiBase, runId);
        var database = await postgres.CreateDatabaseAsync("scenario");
        using var postgresSink = SinkDeployment.ForPostgres(database, stripe.ApiBase);
        SinkDeployment[] deployments = [kafkaSink, postgresSink];
        if (options.IngestWithoutStripeApiKey)
        {
            Array.ForEach(deployments, d => d.RemoveStripeApiKeyFromIngest());
        }

        if (options.SnapshotWithoutPaymentResources)
        {
            Array.ForEach(deployments, d => d.LeaveOutOfSnapshot(SinkDeployment.PaymentResources));
        }

        var report = new ScenarioReport(seed);
        using var courier = new WebhookCourier([.. deployments.Select(d => d.Endpoint)], platform, new Random(seed + 1));
        try
        {
            await Task.WhenAll(deployments.Select(d => d.StartAsync()));
            var startedAt = DateTimeOffset.UtcNow;
            var snapshots = deployments.Select(d => new PlatformSnapshots(d)).ToArray();
            await PlayAsync(timeline, platform, random, courier, deployments, snapshots, options, report);

            await courier.DrainAsync(TimeSpan.FromMinutes(2));
            Array.ForEach(deployments, d => report.Sinks[d.Name] = new SinkFigures());
            await Task.WhenAll(deployments.Zip(snapshots).Select(async pair =>
            {
                var (deployment, snapshot) = pair;
                var figures = report.Sinks[deployment.Name];
                var (accounts, own) = await snapshot.Completion;
                figures.AccountsSnapshot = (await deployment.WaitSnapshotAsync(accounts)).GetProperty("objects").GetInt64();
                figures.PlatformSnapshot = (await deployment.WaitSnapshotAsync(own)).GetProperty("objects").GetInt64();
                var (backfills, objects, late) = await deployment.WaitBackfillsAsync([accounts, own], platform.LateAccountId, BackfillTimeout);
                figures.SelfStartedBackfills = backfills;
                figures.SelfStartedBackfillObjects = objects;
                figures.LateAccountBackfill = late?.GetProperty("objects").GetInt64();
            }));

            if (!options.SkipReconciliation)
            {
                // The worker stays ReconciliationLag (2 s here) behind real time.
                await Task.Delay(TimeSpan.FromSeconds(3.5));
                await Task.WhenAll(deployments.Select(d => ReconcileAsync(d, platform, startedAt.AddMinutes(-1), report.Sinks[d.Name])));
            }

            // Tie re-reads run after their event's commit: give the last ones a moment.
            await Task.Delay(TimeSpan.FromSeconds(1));
            foreach (var o in platform.Accounts.SelectMany(a => a.Objects))
            {
                report.KindOf.TryAdd((o.Kind.Table, o.Id), o.Kind.Name);
            }

            var expected = ExpectedState.Of(platform.Accounts);
            var (rows, orphans, revalidated) = await PostgresSinkState.ReadAsync(database);
            report.Mismatches["postgres"] = [.. StateComparison.Compare(expected, rows), .. orphans];
            report.Revalidated = revalidated;
            var (records, unorderable) = KafkaSinkState.Read(kafka.BootstrapServers, kafkaSink.TopicPrefix);
            report.KafkaUnorderable = unorderable.Count;
            report.KafkaUnorderableByKind = unorderable.GroupBy(k => report.KindOf.GetValueOrDefault((k.Table, k.Id), k.Table)).ToDictionary(g => g.Key, g => g.Count());
            report.Mismatches["kafka"] = StateComparison.Compare(expected, records, skip: unorderable.Contains);
        }
        catch (Exception ex)
        {
            report.Failure = $"{ex}{Environment.NewLine}{string.Join(Environment.NewLine, deployments.Select(d => d.Logs()))}";
        }
        finally
        {
            Describe(platform, courier, report);
        }

        foreach (var deployment in deployments)
        {
            deployment.SaveLogs(Path.Combine(Path.GetTempPath(), $"stripecdc-scenario-{seed}"));
        }

        report.DeadLetters["postgres"] = await DeadLetterCounts.InPostgresAsync(database);
        report.DeadLetters["kafka"] = DeadLetterCounts.InKafka(kafka.BootstrapServers, kafkaSink.TopicPrefix + "stripe_dlq");
        report.Elapsed = clock.Elapsed;
        return report;
    }

    /// <summary>
    /// Plays the timeline tick by tick over <see cref="ScenarioOptions.History"/>, with the outage and the snapshots
    /// on the way; the mid-run account connects at its first tick, once both snapshots of the connected accounts listed them.
    /// </summary>
    private static async Task PlayAsync(
        List<ScenarioTick> timeline,
        ConnectPlatform platform,
        Random random,
        WebhookCourier courier,
        SinkDeployment[] deployments,
        PlatformSnapshots[] snapshots,
        ScenarioOptions options,
        ScenarioReport report)
    {
        var clock = Stopwatch.StartNew();
        var interval = options.History / timeline.Count;
        Task? restart = null;
        var snapshotsStarted = false;
        var lateAccountConnected = false;
        var outageBegan = TimeSpan.Zero;
        for (var i = 0; i < timeline.Count; i++)
        {
            var due = interval * i;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            if (outageBegan == TimeSpan.Zero && clock.Elapsed >= options.OutageStart)
            {
                outageBegan = clock.Elapsed;
                courier.BeginOutage();
                Array.ForEach(deployments, d => d.KillIngest());
            }

            if (restart is null && clock.Elapsed >= options.OutageStart + options.OutageLength - options.RestartLead)
            {
                restart = RestartAsync();
            }

            if (!snapshotsStarted && clock.Elapsed >= options.SnapshotStart)
            {
                snapshotsStarted = true;
                Array.ForEach(snapshots, s => s.Start());
            }

            var tick = timeline[i];
            if (tick.Account == platform.LateAccountId && !lateAccountConnected)
            {
                if (!snapshotsStarted)
                {
                    snapshotsStarted = true;
                    Array.ForEach(snapshots, s => s.Start());
                }

                await Task.WhenAll(snapshots.Select(s => s.AccountsListed));
                lateAccountConnected = true;
                courier.Publish(platform.ConnectLateAccount(random));
            }

            var account = platform.AccountOf(tick.Account);
            foreach (var step in tick.Steps)
            {
                if (account.Apply(step, random) is { } stripeEvent)
                {
                    courier.Publish(stripeEvent);
                }
            }
        }

        await (restart ?? RestartAsync());
        if (!snapshotsStarted)
        {
            Array.ForEach(snapshots, s => s.Start());
        }

        async Task RestartAsync()
        {
            await Task.WhenAll(deployments.Select(d => d.RestartIngestAsync()));
            report.OutageSeconds = (clock.Elapsed - outageBegan).TotalSeconds;
            courier.EndOutage();
        }
    }

    /// <summary>One reconciliation run for the platform's own events and one per connected account, side by side.</summary>
    private static async Task ReconcileAsync(SinkDeployment deployment, ConnectPlatform platform, DateTimeOffset from, SinkFigures figures)
    {
        var own = deployment.ReconcileAsync(from);
        var accounts = await Task.WhenAll(platform.ConnectedAccountIds.Select(a => deployment.ReconcileAsync(from, a)));
        var run = await own;
        figures.Reconciled = true;
        figures.PlatformReconciled = (run.GetProperty("delivered").GetInt64(), run.GetProperty("alreadyCommitted").GetInt64());
        figures.AccountsReconciled = (accounts.Sum(r => r.GetProperty("delivered").GetInt64()), accounts.Sum(r => r.GetProperty("alreadyCommitted").GetInt64()));
        figures.AccountReconciliations = accounts.Length;
    }

    private static void Describe(ConnectPlatform platform, WebhookCourier courier, ScenarioReport report)
    {
        var accounts = platform.Accounts.ToList();
        var objects = accounts.SelectMany(a => a.Objects).ToList();
        var events = accounts.SelectMany(a => a.Events).ToList();
        var connected = platform.ConnectedAccounts.ToList();
        var late = connected.Find(a => a.AccountId == platform.LateAccountId);
        report.ConnectedAccounts = connected.Count;
        report.PlatformObjects = platform.Platform.Objects.Count;
        report.PlatformEvents = platform.Platform.Events.Count;
        report.ObjectsPerAccount = Spread.Of(connected.Select(a => a.Objects.Count));
        report.EventsPerAccount = Spread.Of(connected.Select(a => a.Events.Count));
        report.LateAccount = platform.LateAccountId;
        report.LateAccountObjects = late?.Objects.Count ?? 0;
        report.LateAccountPreexisting = platform.LateAccountPreexisting;
        report.LateAccountEvents = late?.Events.Count ?? 0;
        report.Objects = objects.Count;
        report.ObjectsByKind = objects.GroupBy(o => o.Kind.Name).ToDictionary(g => g.Key, g => g.Count());
        report.EventsByKind = events.GroupBy(e => e.Object.Kind.Name).ToDictionary(g => g.Key, g => g.Count());
        report.LongChildLists = objects.Count(o => o.Children.Count > 10);
        report.Deleted = objects.Count(o => o.Deleted);
        report.Cancelled = objects.Count(o => o.State["status"]?.ToString() == "canceled");
        report.Events = events.Count;
        report.Ties = objects.Count(o => o.LastTwoEventsTie);
        report.Delivery = courier.Figures;
        report.UndeliveredEvents = courier.UndeliveredEvents;
    }
}
