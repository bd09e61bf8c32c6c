using StripeCdc.Flags;
using StripeCdc.Hosting;
using StripeCdc.Ledger;
using StripeCdc.ServiceDefaults;
using StripeCdc.Sinks;
using StripeCdc.Snapshot.Admin;

namespace StripeCdc.Snapshot.Hosting;

/// <summary>
/// The long-running worker: service defaults (telemetry, <c>/health</c>, <c>/alive</c>), the admin API
/// over HTTP (jobs, and the pipeline's module switches shared with the ingest), scheduled reconciliation, the selected sink's event ledger unless another one is registered, and unfinished snapshots resumed
/// at start.
/// </summary>
internal static class WorkerApp
{
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddStartupFailureReporting();
        builder.AddServiceDefaults();
        builder.Services.AddSnapshotWorker(builder.Configuration);
        builder.Services.AddHostedService<Reconciliation.ReconciliationScheduler>();
        builder.Services.AddHostedService<NewAccounts.NewAccountBackfillScheduler>();
        configureServices?.Invoke(builder.Services);
        builder.Services.AddEventLedgerIfMissing(builder.Configuration);

        // Last, so switches made from any service's admin API win over configured flags.
        builder.AddSharedModuleFlags();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapAdminEndpoints();
        app.MapGroup("/admin").RequireAdminToken().MapPipelineEndpoints();
        app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<JobRegistry>().ResumeUnfinished());
        return app;
    }

    /// <summary>The durable ledger that reconciliation dedupes against, shared with the ingest.</summary>
    public static IServiceCollection AddEventLedgerIfMissing(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.Any(d => d.ServiceType == typeof(IEventLedger)))
        {
            services.AddStripeCdcEventLedger(configuration);
        }

        return services;
    }
}
