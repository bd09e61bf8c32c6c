using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using StripeCdc.Ingest.Hosting;

namespace StripeCdc.Ingest.Tests.Support;

/// <summary>The built ingest started as its own process (<c>dotnet StripeCdc.Ingest.dll</c>), configured through the environment like an AppHost would.</summary>
internal sealed class ChildIngest : IDisposable
{
    private ChildIngest(Process process, Uri address)
    {
        Process = process;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Process Process { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    /// <summary>Everything the process wrote to stdout and stderr, line by line.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Output { get; } = new();

    public static async Task<ChildIngest> StartAsync(KafkaFixture kafka, Dictionary<string, string?> settings)
    {
        var configuration = new Dictionary<string, string?>(settings) { ["ConnectionStrings:kafka"] = kafka.BootstrapServers };
        foreach (var topic in EmbeddedKafkaStartup.Topics(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build()))
        {
            kafka.Cluster.CreateTopic(topic);
        }

        return await StartAsync(configuration);
    }

    /// <summary>Starts the child as configured, without a Kafka cluster (another sink).</summary>
    public static async Task<ChildIngest> StartAsync(Dictionary<string, string?> configuration)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { IngestDll(), "--urls", address.ToString(), "--contentRoot", Directory.CreateTempSubdirectory("stripecdc-child").FullName },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in configuration)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start)!;
        var child = new ChildIngest(process, address);
        process.OutputDataReceived += (_, e) => Keep(child, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(child, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var up = await Eventually.HoldsAsync(
            async () =>
            {
                try
                {
                    using var alive = await child.Client.GetAsync("/alive");
                    return alive.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return !process.HasExited && false;
                }
            },
            TimeSpan.FromSeconds(30));
        if (!up)
        {
            child.Dispose();
            throw new InvalidOperationException("The child ingest did not come up.");
        }

        return child;
    }

    private static void Keep(ChildIngest child, string? line)
    {
        if (line is not null)
        {
            child.Output.Enqueue(line);
        }
    }

    /// <summary>Resident memory of the process now (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{Process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Runs the ingest with exactly these settings (no topics created) until it exits; its stderr lines and run time.</summary>
    public static async Task<(int ExitCode, List<string> Stderr, TimeSpan Elapsed)> RunToExitAsync(Dictionary<string, string?> settings, TimeSpan timeout)
    {
        var run = await RunUntilExitAsync(settings, timeout);
        return (run.ExitCode, run.Stderr, run.Elapsed);
    }

    /// <summary>Runs the ingest with exactly these settings (no topics created) until it exits; what it wrote and its run time.</summary>
    public static async Task<ChildExit> RunUntilExitAsync(Dictionary<string, string?> settings, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { IngestDll(), "--urls", $"http://127.0.0.1:{FreePort()}", "--contentRoot", Directory.CreateTempSubdirectory("stripecdc-child").FullName },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var stdout = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var stderr = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                stdout.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                stderr.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var elapsed = clock.Elapsed;
        process.WaitForExit();
        return new ChildExit(process.ExitCode, [.. stdout], [.. stderr], elapsed);
    }

    /// <summary>Asks for a graceful shutdown, as a container runtime or systemd does.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("/bin/sh", ["-c", $"kill -TERM {Process.Id}"]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        Client.Dispose();
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Process.Dispose();
    }

    /// <summary>The ingest built beside this test project (same configuration).</summary>
    private static string IngestDll()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "StripeCdc.sln")))
        {
            root = root.Parent;
        }

        var dll = Path.Combine(root!.FullName, "src", "StripeCdc.Ingest", "bin", configuration, framework, "StripeCdc.Ingest.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first: the ingest is not built.", dll);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>How a child process ended: its exit code, what it wrote to stdout and stderr, and how long it ran.</summary>
internal sealed record ChildExit(int ExitCode, List<string> Stdout, List<string> Stderr, TimeSpan Elapsed);
