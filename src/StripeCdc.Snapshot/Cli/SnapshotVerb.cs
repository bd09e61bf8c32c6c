using System.CommandLine;
using StripeCdc.Snapshot.Hosting;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Snapshots;

namespace StripeCdc.Snapshot.Cli;

/// <summary><c>snapshot</c>: backfills resources from the Stripe API into the topics, with progress.</summary>
internal static class SnapshotVerb
{

    public static Command Create(CliContext context)
    {
        var resources = CliValues.ListOption(
            "--resources",
            "Resources to snapshot, comma-separated, or 'all' (default: the source's selected resources that can be snapshotted). "
                + "'snapshot resources' lists them.",
            name => name == SnapshotResource.AllName || SnapshotResource.Find(name) is not null
                ? null
                : $"'{name}' cannot be snapshotted; 'snapshot resources' lists the resources that can.");
        var restart = new Option<bool>("--restart") { Description = "Start from the beginning, ignoring an unfinished checkpoint." };
        var prune = new Option<bool>("--prune")
        {
            Description = "After each complete listing, write a delete for every object the sink holds that was not listed, "
                + "has not changed since the listing began, and that Stripe answers 404 (or deleted: true) for when asked by id. "
                + "With --accounts, each connected account's objects are compared with its own listing and asked for with its Stripe-Account. "
                + "Needs the Kafka or Postgres sink.",
        };
        var accounts = CliValues.ListOption(
            "--accounts",
            "Connect source only: snapshot these connected accounts (acct_…, comma-separated) with their Stripe-Account, "
                + "or 'all' (every account /v1/accounts lists). Without it, the platform's own account.",
            name => name.Equals(SnapshotRunner.AllAccounts, StringComparison.OrdinalIgnoreCase) || StripeCdc.Checkpoints.CheckpointScope.IsAccountId(name)
                ? null
                : $"'{name}' is not a connected account id (acct_…) or 'all'.");
        var command = new Command("snapshot", "Backfill resources from the Stripe API into their topics; resumes from the last checkpoint.")
        {
            resources,
            restart,
            prune,
            accounts,
            ResourcesVerb.Create(context.Output),
        };
        command.SetAction((parsed, cancellationToken) => context.RunAsync(parsed, writesRecords: true, deduplicates: false, async (services, source, token) =>
        {
            var selected = parsed.GetValue(resources) is { } named ? SnapshotResource.Expand(named) : SnapshotServiceCollectionExtensions.DefaultResources(source);
            var job = new SnapshotJob(
                "snap_" + Guid.NewGuid().ToString("N")[..16],
                source.Name,
                [.. selected.Select(r => SnapshotResource.Find(r)!.Name)],
                parsed.GetValue(restart),
                services.GetRequiredService<TimeProvider>(),
                parsed.GetValue(prune),
                parsed.GetValue(accounts));
            if (JobRegistry.CheckAccounts(source, job.AccountsRequested) is { } accountsError)
            {
                return context.Fail(accountsError, ExitCodes.Usage);
            }

            if (job.Prune && !services.GetRequiredService<SnapshotPruner>().CanPrune)
            {
                return context.Fail(SnapshotPruner.NoInventory, ExitCodes.Usage);
            }

            var work = services.GetRequiredService<SnapshotRunner>().RunAsync(job, token);
            await ConsoleProgress.ShowAsync(job, work);
            return job.State == JobState.Completed ? ExitCodes.Done : ExitCodes.Failed;
        }, cancellationToken));
        return command;
    }
}
