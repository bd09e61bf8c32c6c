using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace StripeCdc.ServiceDefaults;

/// <summary>
/// Stops the service when the AppHost that started it is gone (named by <c>STRIPECDC_APPHOST_PID</c>), so a
/// killed AppHost leaves no orphan processes. Without that variable it does nothing.
/// </summary>
internal sealed class AppHostWatchdog(IConfiguration configuration, IHostApplicationLifetime lifetime, TimeProvider timeProvider) : BackgroundService
{
    public const string ProcessIdKey = "STRIPECDC_APPHOST_PID";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!int.TryParse(configuration[ProcessIdKey], out var pid))
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!IsRunning(pid))
            {
                lifetime.StopApplication();
                return;
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
