using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace StripeCdc.Ingest.Benchmark;

/// <summary>
/// A server under test in its own process (this program in a server mode, or another build of it), with
/// its resident memory sampled.
/// </summary>
internal sealed class ChildServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;

    private ChildServer(Process process, Uri address)
    {
        _process = process;
        Address = address;
        _sampler = Task.Run(SampleAsync);
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    /// <summary>The highest resident set size seen while the server ran, in bytes.</summary>
    public long PeakRssBytes { get; private set; }

    /// <param name="build">Another build of this benchmark's dll to run the server from (a baseline); null = this one.</param>
    public static async Task<ChildServer> StartAsync(string mode, IDictionary<string, string> environment, HttpClient probe, string? build = null)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false, RedirectStandardOutput = true };
        if (build is not null)
        {
            start.FileName = "dotnet";
            start.ArgumentList.Add(Path.GetFullPath(build));
        }
        else if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        start.ArgumentList.Add(mode);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString());
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("Event ledger:", StringComparison.Ordinal) == true)
            {
                Console.WriteLine("  ingest: " + e.Data.Trim());
            }
        };
        process.BeginOutputReadLine();
        var server = new ChildServer(process, address);
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var alive = await probe.GetAsync(new Uri(address, "/alive"));
                if (alive.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        await server.DisposeAsync();
        throw new InvalidOperationException($"The {mode} server did not start.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampler;
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _stop.Dispose();
    }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            PeakRssBytes = Math.Max(PeakRssBytes, ReadRss(_process.Id));
            try
            {
                await Task.Delay(200, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static long ReadRss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
