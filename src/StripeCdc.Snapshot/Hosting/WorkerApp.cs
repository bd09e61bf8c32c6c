using StripeCdc.Snapshot.Admin;

namespace StripeCdc.Snapshot.Hosting;

/// <summary>The long-running worker: the admin API over HTTP, and unfinished snapshots resumed at start.</summary>
internal static class WorkerApp
{
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSnapshotWorker(builder.Configuration);
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapAdminEndpoints();
        app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<JobRegistry>().ResumeUnfinished());
        return app;
    }
}
