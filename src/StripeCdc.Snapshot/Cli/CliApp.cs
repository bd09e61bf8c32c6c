using System.Globalization;
using StripeCdc.Configuration;
using StripeCdc.Snapshot.Hosting;
using StripeCdc.Snapshot.Progress;
using StripeCdc.Snapshot.Reconciliation;
using StripeCdc.Snapshot.Snapshots;
using StripeCdc.Snapshot.Webhooks;

namespace StripeCdc.Snapshot.Cli;

/// <summary>
/// The command-line mode: <c>snapshot</c>, <c>reconcile</c> and <c>webhooks create|list|update|delete</c>.
/// Exit codes: 0 done, 1 the work failed (in part), 2 the command line is wrong.
/// </summary>
internal static class CliApp
{
    public static readonly string[] Commands = ["snapshot", "reconcile", "webhooks", "help", "--help"];

    public const string Usage = """
        StripeCdc.Snapshot — backfill, reconcile and register webhooks.

          (no command)                       run as a worker with the admin API (POST /snapshots, POST /reconciliations, GET /snapshots/{id})
          snapshot  [--source default] [--resources customer,invoice] [--restart]
          reconcile [--source default] [--from 2026-11-20T00:00:00Z] [--to …] [--hours 24] [--failed-only]
          webhooks create --url https://host/webhooks/stripe/default?api_key=… [--source default] [--resources a,b|*] [--description …]
          webhooks list   [--source default]
          webhooks update --id we_… [--url …] [--resources a,b|*] [--disable|--enable]
          webhooks delete --id we_…

        Settings come from configuration (StripeCdc:Sources:<name>, ConnectionStrings:kafka, StripeCdc:Snapshot);
        --Section:Key=value overrides one.
        """;

    public static async Task<int> RunAsync(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        CliArguments cli;
        try
        {
            cli = CliArguments.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + Usage);
            return 2;
        }

        if (cli.Words.Count == 0 || cli.Words[0] is "help" || cli.Flag("help"))
        {
            Console.WriteLine(Usage);
            return cli.Words.Count == 0 && !cli.Flag("help") ? 2 : 0;
        }

        var builder = Host.CreateApplicationBuilder([.. cli.ConfigurationOverrides]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var needsKafka = cli.Words[0] is "snapshot" or "reconcile";
        builder.Services.AddSnapshotWorker(builder.Configuration, withKafkaSink: needsKafka);
        if (!needsKafka)
        {
            builder.Services.AddSingleton<Sinks.IRecordSink, NoSink>();
        }

        configureServices?.Invoke(builder.Services);
        if (cli.Words[0] is "reconcile")
        {
            builder.Services.AddEventLedgerIfMissing(builder.Configuration);
        }

        using var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            return Fail(ex.Message, 2);
        }

        try
        {
            var source = host.Services.GetRequiredService<SourceCatalog>().Get(cli.Option("source") ?? SourceCatalog.DefaultSourceName);
            using var interrupt = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                interrupt.Cancel();
            };
            return cli.Words[0] switch
            {
                "snapshot" => await SnapshotAsync(host.Services, source, cli, interrupt.Token),
                "reconcile" => await ReconcileAsync(host.Services, source, cli, interrupt.Token),
                "webhooks" => await WebhooksAsync(host.Services.GetRequiredService<WebhookRegistrar>(), source, cli, interrupt.Token),
                _ => Fail($"Unknown command '{cli.Words[0]}'.{Environment.NewLine}{Usage}", 2),
            };
        }
        catch (Exception ex) when (ex is KeyNotFoundException or ArgumentException or FormatException)
        {
            return Fail(ex.Message, 2);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Stripe.StripeException or StripeApi.StripeApiException)
        {
            return Fail(ex.Message, 1);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task<int> SnapshotAsync(IServiceProvider services, SourceSettings source, CliArguments cli, CancellationToken cancellationToken)
    {
        var resources = cli.List("resources") ?? SnapshotServiceCollectionExtensions.DefaultResources(source);
        if (resources.FirstOrDefault(r => SnapshotResource.Find(r) is null) is { } unknown)
        {
            return Fail($"'{unknown}' cannot be snapshotted; choose from {string.Join(", ", SnapshotResource.All.Select(r => r.Name))}.", 2);
        }

        var job = new SnapshotJob(
            "snap_" + Guid.NewGuid().ToString("N")[..16],
            source.Name,
            [.. resources.Select(r => SnapshotResource.Find(r)!.Name)],
            cli.Flag("restart"),
            services.GetRequiredService<TimeProvider>());
        var work = services.GetRequiredService<SnapshotRunner>().RunAsync(job, cancellationToken);
        await ConsoleProgress.ShowAsync(job, work);
        return job.State == JobState.Completed ? 0 : 1;
    }

    private static async Task<int> ReconcileAsync(IServiceProvider services, SourceSettings source, CliArguments cli, CancellationToken cancellationToken)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var from = cli.Option("from") is { } fromText
            ? DateTimeOffset.Parse(fromText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
            : now.AddHours(-double.Parse(cli.Option("hours") ?? "24", CultureInfo.InvariantCulture));
        DateTimeOffset? to = cli.Option("to") is { } toText ? DateTimeOffset.Parse(toText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null;
        var job = new ReconciliationJob("recon_" + Guid.NewGuid().ToString("N")[..16], source.Name, from, to, cli.Flag("failed-only"));
        await services.GetRequiredService<Reconciler>().RunAsync(job, cancellationToken);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"reconcile {job.Id} of source '{job.Source}' [{job.From:O} … {job.To:O}]: {job.State}; listed {job.Listed}, delivered {job.Delivered}, already committed {job.AlreadyCommitted}, dead-lettered {job.DeadLettered}, skipped {job.Skipped}"));
        if (job.Error is not null)
        {
            await Console.Error.WriteLineAsync("error: " + job.Error);
        }

        return job.State == JobState.Completed ? 0 : 1;
    }

    private static async Task<int> WebhooksAsync(WebhookRegistrar registrar, SourceSettings source, CliArguments cli, CancellationToken cancellationToken)
    {
        var action = cli.Words.Count > 1 ? cli.Words[1] : "list";
        switch (action)
        {
            case "create":
                {
                    var url = cli.Option("url") ?? throw new ArgumentException("webhooks create needs --url.");
                    var endpoint = await registrar.CreateAsync(source, url, cli.List("resources"), cli.Option("description"), cancellationToken);
                    Console.WriteLine($"created {endpoint.Id} → {RedactUrl(endpoint.Url)} (api_version {endpoint.ApiVersion}, {endpoint.EnabledEvents.Count} event types)");
                    Console.WriteLine($"signing secret {SigningSecretStore.Mask(endpoint.Secret)} stored in {registrar.Store.Path} as StripeCdc:Sources:{source.Name}:SigningSecrets");
                    return 0;
                }

            case "list":
                {
                    var ours = registrar.Store.Endpoints(source.Name);
                    foreach (var endpoint in await registrar.ListAsync(source, cancellationToken))
                    {
                        var managed = ours.TryGetValue(endpoint.Id, out var secret) ? $"managed, secret {SigningSecretStore.Mask(secret)}" : "not managed here";
                        Console.WriteLine($"{endpoint.Id} {endpoint.Status} {RedactUrl(endpoint.Url)} api_version={endpoint.ApiVersion} events={endpoint.EnabledEvents.Count} ({managed})");
                    }

                    return 0;
                }

            case "update":
                {
                    var id = cli.Option("id") ?? throw new ArgumentException("webhooks update needs --id.");
                    bool? disabled = cli.Flag("disable") ? true : cli.Flag("enable") ? false : null;
                    var endpoint = await registrar.UpdateAsync(source, id, cli.Option("url"), cli.List("resources"), disabled, cancellationToken);
                    Console.WriteLine($"updated {endpoint.Id} → {RedactUrl(endpoint.Url)} {endpoint.Status}, {endpoint.EnabledEvents.Count} event types");
                    return 0;
                }

            case "delete":
                {
                    var id = cli.Option("id") ?? throw new ArgumentException("webhooks delete needs --id.");
                    await registrar.DeleteAsync(source, id, cancellationToken);
                    Console.WriteLine($"deleted {id}; its signing secret was removed from {registrar.Store.Path}");
                    return 0;
                }

            default:
                return Fail($"Unknown webhooks action '{action}'.{Environment.NewLine}{Usage}", 2);
        }
    }

    /// <summary>The endpoint URL carries the connector's api_key: never print it.</summary>
    internal static string RedactUrl(string url)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? url : url[..query] + "?…";
    }

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine(message);
        return code;
    }

    /// <summary>Webhook commands write no records; the pipeline still wants a sink.</summary>
    private sealed class NoSink : Sinks.IRecordSink
    {
        public ValueTask WriteAsync(IReadOnlyList<Records.OutgoingRecord> records, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("This command writes no records.");
    }
}
