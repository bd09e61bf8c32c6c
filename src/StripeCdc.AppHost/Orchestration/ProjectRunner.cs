using System.Diagnostics;
using Microsoft.Extensions.Logging;
using StripeCdc.AppHost.Hosting;

namespace StripeCdc.AppHost.Orchestration;

/// <summary>
/// Keeps one project running: starts its process, watches its health, restarts it with backoff when
/// it exits, and stops it gracefully (SIGTERM, then kill) when the stack stops.
/// </summary>
internal sealed partial class ProjectRunner(
    ProjectResource project,
    Func<int, Dictionary<string, string>> environmentFor,
    ResourceNotificationService notifications,
    ResourceLogStore logs,
    HttpClient health,
    DistributedApplicationOptions options,
    ILogger logger)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan GracefulStop = TimeSpan.FromSeconds(10);
    private Process? _process;

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}";

    public void Reserve()
    {
        Port = project.HttpPort != 0 ? project.HttpPort : FreePort.Next();
        notifications.Publish(new ResourceSnapshot(project.Name, "Project", ResourceState.NotStarted, null, [Url], 0, false, null, null));
    }

    /// <summary>Runs until <paramref name="stopping"/> is cancelled.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> waitForDependencies, CancellationToken stopping)
    {
        notifications.Update(project.Name, s => s with { State = ResourceState.Waiting });
        await waitForDependencies(stopping);

        string assembly;
        try
        {
            assembly = await ProjectLaunch.FindOrBuildAssemblyAsync(project, logs, stopping);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logs.Append(project.Name, ex.Message, isError: true);
            notifications.Update(project.Name, s => s with { State = ResourceState.FailedToStart });
            return;
        }

        var restarts = 0;
        var backoff = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            var startedAt = DateTimeOffset.UtcNow;
            var exitCode = await RunOnceAsync(assembly, restarts, stopping);
            if (stopping.IsCancellationRequested)
            {
                break;
            }

            LogExited(logger, project.Name, exitCode, backoff.TotalSeconds);
            notifications.Update(project.Name, s => s with { State = ResourceState.Exited, ExitCode = exitCode, Healthy = false, Pid = null });
            if (DateTimeOffset.UtcNow - startedAt > TimeSpan.FromMinutes(1))
            {
                backoff = TimeSpan.FromSeconds(1);
            }

            await Task.Delay(backoff, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            restarts++;
        }

        notifications.Update(project.Name, s => s with { State = ResourceState.Finished, Healthy = false, Pid = null });
    }

    private async Task<int?> RunOnceAsync(string assembly, int restarts, CancellationToken stopping)
    {
        var start = new ProcessStartInfo("dotnet", [assembly])
        {
            WorkingDirectory = Path.GetDirectoryName(project.ProjectPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environmentFor(Port))
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("The process did not start.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logs.Append(project.Name, $"Could not start: {ex.Message}", isError: true);
            notifications.Update(project.Name, s => s with { State = ResourceState.FailedToStart });
            return null;
        }

        _process = process;
        process.OutputDataReceived += (_, e) => Capture(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => Capture(e.Data, isError: true);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        notifications.Update(project.Name, s => s with
        {
            State = ResourceState.Starting,
            Pid = process.Id,
            Restarts = restarts,
            StartedAt = DateTimeOffset.UtcNow,
            ExitCode = null,
        });

        using var exited = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var watch = WatchHealthAsync(process, exited.Token);
        try
        {
            await process.WaitForExitAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(process);
        }

        await exited.CancelAsync();
        await watch;
        var code = process.HasExited ? process.ExitCode : (int?)null;
        process.Dispose();
        _process = null;
        return code;
    }

    private async Task WatchHealthAsync(Process process, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + options.StartupTimeout;
        var everHealthy = false;
        while (!cancellationToken.IsCancellationRequested && !process.HasExited)
        {
            var healthy = await IsHealthyAsync(cancellationToken);
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            everHealthy |= healthy;
            var state = healthy ? ResourceState.Running : everHealthy ? ResourceState.RuntimeUnhealthy : ResourceState.Starting;
            notifications.Update(project.Name, s => s.State == state && s.Healthy == healthy ? s : s with { State = state, Healthy = healthy });
            if (!everHealthy && DateTimeOffset.UtcNow > deadline)
            {
                logs.Append(project.Name, $"Not healthy after {options.StartupTimeout.TotalSeconds:0} s; restarting.", isError: true);
                process.Kill(entireProcessTree: true);
                return;
            }

            await Task.Delay(everHealthy ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(200), cancellationToken)
                .ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var response = await health.GetAsync(new Uri(Url + project.HealthPath), timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }

    private async Task StopAsync(Process process)
    {
        notifications.Update(project.Name, s => s with { State = ResourceState.Stopping });
        if (process.HasExited)
        {
            return;
        }

        ProcessSignals.RequestStop(process);
        using var grace = new CancellationTokenSource(GracefulStop);
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>Kills the process now (tests use this to simulate a crash).</summary>
    public void Crash() => _process?.Kill(entireProcessTree: true);

    private void Capture(string? line, bool isError)
    {
        if (line is not null)
        {
            logs.Append(project.Name, line, isError);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Resource} exited with code {ExitCode}; restarting in {Delay} s.")]
    private static partial void LogExited(ILogger logger, string resource, int? exitCode, double delay);
}
