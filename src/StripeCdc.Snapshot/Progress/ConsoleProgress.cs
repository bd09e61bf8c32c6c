using System.Globalization;
using Spectre.Console;

namespace StripeCdc.Snapshot.Progress;

/// <summary>
/// Shows a snapshot's progress: a live Spectre.Console display per resource when run from a terminal,
/// a plain line per resource every few seconds when output is redirected; a summary at the end.
/// </summary>
internal static class ConsoleProgress
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(2);

    public static async Task ShowAsync(SnapshotJob job, Task work)
    {
        if (job.PerAccount)
        {
            // Thousands of accounts do not fit a live display: a line of accounts done and in progress every few seconds.
            await ShowAccountsAsync(job, work);
            PrintAccountsSummary(job);
            return;
        }

        if (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            await ShowLiveAsync(job, work);
        }
        else
        {
            await ShowPlainAsync(job, work);
        }

        PrintSummary(job);
    }

    private static async Task ShowLiveAsync(SnapshotJob job, Task work)
    {
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var tasks = job.Resources.ToDictionary(r => r, r => context.AddTask(Describe(r)).IsIndeterminate());
                while (!work.IsCompleted)
                {
                    Update(tasks);
                    await Task.WhenAny(work, Task.Delay(250));
                }

                Update(tasks);
            });
        await work;

        static void Update(Dictionary<ResourceProgress, ProgressTask> tasks)
        {
            foreach (var (resource, task) in tasks)
            {
                task.Description = Markup.Escape(Describe(resource));
                if (resource.IsFinished && !task.IsFinished)
                {
                    task.IsIndeterminate(false);
                    task.Value = task.MaxValue;
                    task.StopTask();
                }
            }
        }
    }

    private static async Task ShowPlainAsync(SnapshotJob job, Task work)
    {
        while (!work.IsCompleted)
        {
            await Task.WhenAny(work, Task.Delay(PlainInterval));
            if (!work.IsCompleted)
            {
                foreach (var resource in job.Resources)
                {
                    Console.WriteLine("snapshot " + Describe(resource));
                }
            }
        }

        await work;
    }

    private static async Task ShowAccountsAsync(SnapshotJob job, Task work)
    {
        while (!work.IsCompleted)
        {
            await Task.WhenAny(work, Task.Delay(PlainInterval));
            if (!work.IsCompleted)
            {
                Console.WriteLine("snapshot " + DescribeAccounts(job));
                foreach (var account in job.Accounts.Where(a => a.State == JobState.Running))
                {
                    foreach (var resource in account.Resources)
                    {
                        Console.WriteLine($"snapshot {account.Account} {Describe(resource)}");
                    }
                }
            }
        }

        await work;
    }

    private static void PrintAccountsSummary(SnapshotJob job)
    {
        foreach (var account in job.Accounts)
        {
            foreach (var r in account.Resources)
            {
                Console.WriteLine($"summary {account.Account} {Describe(r)}{(r.Error is null ? "" : " error: " + r.Error)}");
            }
        }

        if (job.Error is not null)
        {
            Console.WriteLine("error: " + job.Error);
        }

        Console.WriteLine($"snapshot {job.Id} of source '{job.Source}': {job.State}, {DescribeAccounts(job)}, {job.Objects.ToString(CultureInfo.InvariantCulture)} objects");
    }

    private static string DescribeAccounts(SnapshotJob job)
    {
        var accounts = job.Accounts;
        var running = accounts.Where(a => a.State == JobState.Running).Select(a => a.Account).ToList();
        var failed = accounts.Count(a => a.IsFinished && a.State != JobState.Completed);
        return string.Create(CultureInfo.InvariantCulture, $"accounts {accounts.Count(a => a.IsFinished)}/{accounts.Count} done")
            + (failed > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({failed} failed)") : "")
            + (running.Count > 0 ? ", in progress: " + string.Join(",", running) : "");
    }

    private static void PrintSummary(SnapshotJob job)
    {
        if (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            var table = new Table().Title($"Snapshot {job.Id} of source '{Markup.Escape(job.Source)}': {job.State}")
                .AddColumns("resource", "state", "objects", "objects/s", "seconds", "error");
            foreach (var r in job.Resources)
            {
                table.AddRow(
                    Markup.Escape(r.Resource),
                    r.State.ToString(),
                    r.Objects.ToString("N0", CultureInfo.InvariantCulture),
                    r.ObjectsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                    r.Elapsed.TotalSeconds.ToString("N1", CultureInfo.InvariantCulture),
                    Markup.Escape(r.Error ?? ""));
            }

            AnsiConsole.Write(table);
            return;
        }

        foreach (var r in job.Resources)
        {
            Console.WriteLine($"summary {Describe(r)}{(r.Error is null ? "" : " error: " + r.Error)}");
        }

        Console.WriteLine($"snapshot {job.Id} of source '{job.Source}': {job.State}, {job.Objects.ToString(CultureInfo.InvariantCulture)} objects");
    }

    private static string Describe(ResourceProgress r) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.Resource,-20} {r.State,-9} {r.Objects,10:N0} objects {r.ObjectsPerSecond,8:N0}/s") +
        (r.ResumedFrom > 0 ? string.Create(CultureInfo.InvariantCulture, $" (resumed after {r.ResumedFrom:N0})") : "") +
        (r.IsPruning ? " pruning" : r.Pruned > 0 ? string.Create(CultureInfo.InvariantCulture, $" {r.Pruned:N0} pruned") : "");
}
