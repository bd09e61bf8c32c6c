using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StripeCdc.Snapshot.Hosting;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Snapshots;
using StripeCdc.StripeApi;

/// <summary>
/// One snapshot job run by the real worker's services (Stripe.net client, budget, pipeline, Kafka sink,
/// file checkpoints) in this process, timed from start to end.
/// </summary>
internal static class WorkerRun
{
    public static async Task<(SnapshotJob Job, TimeSpan Elapsed)> SnapshotAsync(
        string bootstrapServers,
        string stripeApiBase,
        string topicPrefix,
        double requestsPerSecond,
        string[] resources,
        IReadOnlyList<string>? accounts = null,
        int? maxConcurrentAccounts = null)
    {
        var builder = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:kafka"] = bootstrapServers,
            ["StripeCdc:Sources:default:StripeApiKey"] = "sk_test_benchmark",
            ["StripeCdc:Sources:default:StripeApiBase"] = stripeApiBase,
            ["StripeCdc:Sources:default:TopicPrefix"] = topicPrefix,
            ["StripeCdc:Sources:default:Resources"] = string.Join(",", resources),
            ["StripeCdc:Sources:default:Connect"] = accounts is null ? "false" : "true",
            ["StripeCdc:Snapshot:RequestsPerSecond"] = requestsPerSecond.ToString(CultureInfo.InvariantCulture),
            ["StripeCdc:Snapshot:CheckpointFolder"] = Path.Combine(Path.GetTempPath(), "stripecdc-bench", Guid.NewGuid().ToString("N")),
            ["StripeCdc:Snapshot:CheckpointStore"] = "File",
        });
        if (maxConcurrentAccounts is { } concurrency)
        {
            builder.AddInMemoryCollection([new("StripeCdc:Snapshot:MaxConcurrentAccounts", concurrency.ToString(CultureInfo.InvariantCulture))]);
        }

        var configuration = builder.Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSnapshotWorker(configuration);
        await using var provider = services.BuildServiceProvider();
        var runner = provider.GetRequiredService<SnapshotRunner>();
        _ = provider.GetRequiredService<StripeApiClients>();
        var job = new SnapshotJob("snap_bench", "default", resources, restart: true, TimeProvider.System, accounts: accounts);
        var clock = Stopwatch.StartNew();
        await runner.RunAsync(job, CancellationToken.None);
        clock.Stop();
        foreach (var failed in job.PerAccount ? [] : job.Resources.Where(r => r.State != JobState.Completed))
        {
            Console.WriteLine($"  {failed.Resource}: {failed.State} {failed.Error}");
        }

        foreach (var failed in job.Accounts.Where(a => a.State != JobState.Completed).Take(5))
        {
            Console.WriteLine($"  {failed.Account}: {failed.State}");
        }

        return (job, clock.Elapsed);
    }
}
