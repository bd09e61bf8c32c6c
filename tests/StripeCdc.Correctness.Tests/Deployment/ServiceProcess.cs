using System.Collections.Concurrent;
using System.Diagnostics;

namespace StripeCdc.Correctness.Tests.Deployment;

/// <summary>A built service (<c>dotnet &lt;service&gt;.dll</c>) run as its own process, configured through its environment.</summary>
internal sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public ConcurrentQueue<string> Output { get; } = new();

    public static ServiceProcess Start(string service, Uri address, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            ArgumentList = { BuiltDll(service), "--urls", address.ToString() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var started = new ServiceProcess(new Process { StartInfo = info }, address);
        started._process.OutputDataReceived += (_, e) => started.Keep(e.Data);
        started._process.ErrorDataReceived += (_, e) => started.Keep(e.Data);
        started._process.Start();
        started._process.BeginOutputReadLine();
        started._process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Waits until <c>/health</c> answers 200 (every check healthy, the sink included).</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                break;
            }

            try
            {
                using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"{Address} did not become healthy:{Environment.NewLine}{Tail()}");
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    public string Tail(int lines = 40) => string.Join(Environment.NewLine, Output.TakeLast(lines));

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        Output.Enqueue(line);
        while (Output.Count > 2000 && Output.TryDequeue(out _))
        {
        }
    }

    /// <summary>The service built beside this test project (same configuration): <c>src/&lt;service&gt;/bin/…/&lt;service&gt;.dll</c>.</summary>
    private static string BuiltDll(string service)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "StripeCdc.sln")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root!.FullName, "src", service, "bin", output.Parent!.Name, output.Name, service + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first.", dll);
    }
}
