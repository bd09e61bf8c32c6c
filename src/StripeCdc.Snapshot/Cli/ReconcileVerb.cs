using System.CommandLine;
using System.Globalization;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Reconciliation;

namespace StripeCdc.Snapshot.Cli;

/// <summary><c>reconcile</c>: pushes every event of a window of the Events API that the connector has not committed.</summary>
internal static class ReconcileVerb
{
    public static Command Create(CliContext context)
    {
        var from = CliValues.TimeOption("--from", "Start of the window (default: --hours before now).");
        var to = CliValues.TimeOption("--to", "End of the window (default and at most: now minus StripeCdc:Snapshot:ReconciliationLag).");
        var hours = new Option<double>("--hours")
        {
            Description = "Length of the window ending now, when --from is not given.",
            DefaultValueFactory = _ => 24,
        };
        hours.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is <= 0 or > 30 * 24)
            {
                result.AddError("--hours must be more than 0 and at most 720 (Stripe keeps events for 30 days).");
            }
        });
        var failedOnly = new Option<bool>("--failed-only") { Description = "Only events whose webhook delivery failed (delivery_success=false)." };
        var command = new Command("reconcile", "Push every event of a window of Stripe's Events API that the connector has not committed yet (heals outages; runs twice without duplicates).")
        {
            from,
            to,
            hours,
            failedOnly,
        };
        command.SetAction((parsed, cancellationToken) => context.RunAsync(parsed, writesRecords: true, deduplicates: true, async (services, source, token) =>
        {
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var start = parsed.GetValue(from) ?? now.AddHours(-parsed.GetValue(hours));
            var job = new ReconciliationJob("recon_" + Guid.NewGuid().ToString("N")[..16], source.Name, start, parsed.GetValue(to), parsed.GetValue(failedOnly));
            await services.GetRequiredService<Reconciler>().RunAsync(job, token);
            await context.Output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"reconcile {job.Id} of source '{job.Source}' [{job.From:O} … {job.To:O}]: {job.State}; listed {job.Listed}, delivered {job.Delivered}, already committed {job.AlreadyCommitted}, dead-lettered {job.DeadLettered}, skipped {job.Skipped}"));
            if (job.Error is not null)
            {
                await context.Error.WriteLineAsync("error: " + job.Error);
            }

            return job.State == JobState.Completed ? ExitCodes.Done : ExitCodes.Failed;
        }, cancellationToken));
        return command;
    }
}
