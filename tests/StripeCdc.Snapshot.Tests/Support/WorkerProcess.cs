using System.Diagnostics;
using System.Text;

namespace StripeCdc.Snapshot.Tests.Support;

/// <summary>
/// The snapshot CLI as a child process (<c>dotnet StripeCdc.Snapshot.dll …</c>), or another built service
/// (<see cref="BuiltService"/>), configured through its environment.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<string> _errors = [];

    private WorkerProcess(Process process)
    {
        _process = process;
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>What the process wrote to stderr alone, line by line.</summary>
    public IReadOnlyList<string> ErrorLines
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static WorkerProcess Start(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, string? dll = null)
    {
        dll ??= Path.Combine(AppContext.BaseDirectory, "StripeCdc.Snapshot.dll");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var worker = new WorkerProcess(new Process { StartInfo = info });
        worker._process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        worker._process.ErrorDataReceived += (_, e) =>
        {
            worker.Append(e.Data);
            if (e.Data is not null)
            {
                lock (worker._errors)
                {
                    worker._errors.Add(e.Data);
                }
            }
        };
        worker._process.Start();
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>The dll of a service built beside this test project, e.g. <c>src/StripeCdc.Ingest</c>.</summary>
    public static string BuiltService(string projectFolder, string assembly)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "StripeCdc.sln")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root!.FullName, projectFolder, "bin", output.Parent!.Name, output.Name, assembly + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first.", dll);
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
