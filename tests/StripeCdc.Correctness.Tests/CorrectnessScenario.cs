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
/// SPEC §11 in one run: a seeded history played in the fake Stripe account in real time, its webhooks
/// delivered with duplicates, late deliveries and an outage (both ingests killed) to two deployments —
/// Kafka and Postgres — while a snapshot runs, then one reconciliation; then each sink's state is
/// compared with Stripe's final state.
/// </summary>
internal static class CorrectnessScenario
{
    public static async Task<ScenarioReport> RunAsync(int seed, EmbeddedKafkaCluster kafka, PostgresServer postgres, ScenarioOptions options)
    {
        var clock = Stopwatch.StartNew();
        await using var stripe = await FakeStripeServer.StartAsync();
        var account = new SimulatedAccount(stripe.Data, TimeProvider.System);
        var random = new Random(seed);
        var history = HistoryScript.Generate(random);
        account.SeedBeforeHistory(disputes: 5, creditNotes: 5, openSessions: 8, new Random(seed + 2));
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
        try
        {
            await Task.WhenAll(deployments.Select(d => d.StartAsync()));
            using var courier = new WebhookCourier([.. deployments.Select(d => d.Endpoint)], account, new Random(seed + 1));
            var startedAt = DateTimeOffset.UtcNow;
            var snapshots = await PlayAsync(history, account, random, courier, deployments, options, report);

            await courier.DrainAsync(TimeSpan.FromMinutes(2));
            foreach (var (deployment, id) in deployments.Zip(snapshots))
            {
                var snapshot = await deployment.WaitSnapshotAsync(id);
                report.SnapshotObjects[deployment.Name] = snapshot.GetProperty("objects").GetInt64();
            }

            if (!options.SkipReconciliation)
            {
                // The worker stays ReconciliationLag (2 s here) behind real time.
                await Task.Delay(TimeSpan.FromSeconds(3.5));
                foreach (var deployment in deployments)
                {
                    var run = await deployment.ReconcileAsync(startedAt.AddMinutes(-1));
                    report.Reconciled[deployment.Name] = (run.GetProperty("delivered").GetInt64(), run.GetProperty("alreadyCommitted").GetInt64());
                }
            }

            // Tie re-reads run after their event's commit: give the last ones a moment.
            await Task.Delay(TimeSpan.FromSeconds(1));
            var expected = ExpectedState.Of(account);
            var (rows, orphans, revalidated) = await PostgresSinkState.ReadAsync(database);
            report.Mismatches["postgres"] = [.. StateComparison.Compare(expected, rows), .. orphans];
            report.Revalidated = revalidated;
            var (records, unorderable) = KafkaSinkState.Read(kafka.BootstrapServers, kafkaSink.TopicPrefix);
            report.KafkaUnorderable = unorderable.Count;
            report.KafkaUnorderableByKind = unorderable.GroupBy(k => account.Objects.FirstOrDefault(o => o.Kind.Table == k.Table && o.Id == k.Id)?.Kind.Name ?? k.Table).ToDictionary(g => g.Key, g => g.Count());
            report.Mismatches["kafka"] = StateComparison.Compare(expected, records, skip: unorderable.Contains);

            report.Objects = account.Objects.Count;
            report.ObjectsByKind = account.Objects.GroupBy(o => o.Kind.Name).ToDictionary(g => g.Key, g => g.Count());
            report.EventsByKind = account.Events.GroupBy(e => e.Object.Kind.Name).ToDictionary(g => g.Key, g => g.Count());
            report.KindOf = account.Objects.ToDictionary(o => (o.Kind.Table, o.Id), o => o.Kind.Name);
            report.LongChildLists = account.Objects.Count(o => o.Children.Count > 10);
            report.Deleted = account.Objects.Count(o => o.Deleted);
            report.Cancelled = account.Objects.Count(o => o.State["status"]?.ToString() == "canceled");
            report.Events = account.Events.Count;
            report.Ties = account.Objects.Count(o => o.LastTwoEventsTie);
            report.Delivery = courier.Figures;
            report.UndeliveredEvents = courier.UndeliveredEvents;
        }
        catch (Exception ex)
        {
            report.Failure = $"{ex}{Environment.NewLine}{string.Join(Environment.NewLine, deployments.Select(d => d.Logs()))}";
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

    /// <summary>Plays the history tick by tick over <see cref="ScenarioOptions.History"/>, with the outage and the snapshot on the way.</summary>
    private static async Task<string[]> PlayAsync(
        List<HistoryStep[]> history,
        SimulatedAccount account,
        Random random,
        WebhookCourier courier,
        SinkDeployment[] deployments,
        ScenarioOptions options,
        ScenarioReport report)
    {
        var clock = Stopwatch.StartNew();
        var interval = options.History / history.Count;
        Task? restart = null;
        string[]? snapshots = null;
        var outageBegan = TimeSpan.Zero;
        for (var i = 0; i < history.Count; i++)
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

            if (snapshots is null && clock.Elapsed >= options.SnapshotStart)
            {
                snapshots = await Task.WhenAll(deployments.Select(d => d.StartSnapshotAsync()));
            }

            foreach (var step in history[i])
            {
                if (account.Apply(step, random) is { } stripeEvent)
                {
                    courier.Publish(stripeEvent);
                }
            }
        }

        await (restart ?? RestartAsync());
        return snapshots ?? await Task.WhenAll(deployments.Select(d => d.StartSnapshotAsync()));

        async Task RestartAsync()
        {
            await Task.WhenAll(deployments.Select(d => d.RestartIngestAsync()));
            report.OutageSeconds = (clock.Elapsed - outageBegan).TotalSeconds;
            courier.EndOutage();
        }
    }
}
