using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StripeCdc.AppHost.Dashboard;
using StripeCdc.AppHost.Orchestration;

namespace StripeCdc.AppHost.Hosting;

/// <summary>
/// The running stack: the orchestrator plus the dashboard (UI, APIs and the OTLP/HTTP receiver) in one
/// host, so Ctrl+C or SIGTERM stops every child process before the AppHost exits.
/// </summary>
internal sealed class DistributedApplication : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _started;
    private int _stopped;

    private DistributedApplication(WebApplication app, DistributedApplicationOptions options)
    {
        _app = app;
        Options = options;
    }

    public DistributedApplicationOptions Options { get; }

    public IServiceProvider Services => _app.Services;

    public ResourceNotificationService ResourceNotifications => Services.GetRequiredService<ResourceNotificationService>();

    public Orchestrator Orchestrator => Services.GetRequiredService<Orchestrator>();

    public DashboardEndpoints Dashboard => Services.GetRequiredService<DashboardEndpoints>();

    public static DistributedApplication Create(DistributedApplicationBuilder builder, string[] args)
    {
        var options = builder.Options;
        var dashboardOptions = new DashboardOptions();
        builder.Configuration.GetSection("Dashboard").Bind(dashboardOptions);
        var dashboardPort = options.RandomPorts ? FreePort.Next() : options.DashboardPort;
        var otlpPort = options.RandomPorts ? FreePort.Next() : options.OtlpHttpPort;

        var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        web.Configuration.AddConfiguration(builder.Configuration);
        web.WebHost.ConfigureKestrel(kestrel =>
        {
            // Loopback only, unless a login token protects the dashboard.
            var address = dashboardOptions.LoginToken is { Length: > 0 } ? IPAddress.Any : IPAddress.Loopback;
            kestrel.Listen(address, dashboardPort);
            kestrel.Listen(IPAddress.Loopback, otlpPort);
        });
        web.Services.AddSingleton(options);
        web.Services.AddSingleton(dashboardOptions);
        web.Services.AddSingleton<IReadOnlyList<IResource>>(builder.Resources);
        web.Services.AddSingleton<ResourceNotificationService>();
        web.Services.AddSingleton<ResourceLogStore>();
        web.Services.AddSingleton<Orchestrator>();
        web.Services.AddHostedService(sp => sp.GetRequiredService<Orchestrator>());
        web.Services.AddDashboard();
        web.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        var app = web.Build();
        var orchestrator = app.Services.GetRequiredService<Orchestrator>();
        orchestrator.OtlpEndpoint = $"http://127.0.0.1:{otlpPort}";
        orchestrator.EnvironmentName = app.Environment.EnvironmentName;
        var dashboard = app.Services.GetRequiredService<DashboardEndpoints>();
        dashboard.DashboardUrl = $"http://localhost:{dashboardPort}";
        dashboard.OtlpPort = otlpPort;
        dashboard.Map(app);
        return new DistributedApplication(app, options);
    }

    public Task StartAsync(CancellationToken cancellationToken = default) =>
        Interlocked.Exchange(ref _started, 1) == 0 ? _app.StartAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>Completes when the AppHost is asked to stop (Ctrl+C, SIGTERM) and every resource has stopped.</summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken = default)
    {
        await _app.WaitForShutdownAsync(cancellationToken);
        Interlocked.Exchange(ref _stopped, 1);
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _started) == 1 && Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}
