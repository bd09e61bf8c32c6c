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
            "Resources to snapshot, comma-separated (default: the source's selected resources that can be snapshotted). One of: "
                + string.Join(", ", SnapshotResource.All.Select(r => r.Name)) + ".",
            name => SnapshotResource.Find(name) is null
                ? $"'{name}' cannot be snapshotted; choose from {string.Join(", ", SnapshotResource.All.Select(r => r.Name))}."
                : null);
        var restart = new Option<bool>("--restart") { Description = "Start from the beginning, ignoring an unfinished checkpoint." };
        var command = new Command("snapshot", "Backfill resources from the Stripe API into their topics; resumes from the last checkpoint.")
        {
            resources,
            restart,
        };
        command.SetAction((parsed, cancellationToken) => context.RunAsync(parsed, writesRecords: true, deduplicates: false, async (services, source, token) =>
        {
            var selected = parsed.GetValue(resources) ?? SnapshotServiceCollectionExtensions.DefaultResources(source);
            var job = new SnapshotJob(
                "snap_" + Guid.NewGuid().ToString("N")[..16],
                source.Name,
                [.. selected.Select(r => SnapshotResource.Find(r)!.Name)],
                parsed.GetValue(restart),
                services.GetRequiredService<TimeProvider>());
            var work = services.GetRequiredService<SnapshotRunner>().RunAsync(job, token);
            await ConsoleProgress.ShowAsync(job, work);
            return job.State == JobState.Completed ? ExitCodes.Done : ExitCodes.Failed;
        }, cancellationToken));
        return command;
    }
}
