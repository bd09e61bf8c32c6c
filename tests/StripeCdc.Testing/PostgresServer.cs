using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace StripeCdc.Testing;

/// <summary>
/// A throwaway PostgreSQL cluster from Debian's <c>postgresql</c> package: <c>initdb</c> in a temp
/// folder, the server on 127.0.0.1 and a random port, stopped and deleted on dispose. initdb refuses
/// to run as root, so under root the server runs as the <c>postgres</c> user.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private const string SuperUser = "postgres";
    private readonly string _bin;
    private readonly string _folder;
    private readonly string _data;
    private readonly bool _asPostgresUser;
    private readonly IReadOnlyDictionary<string, string> _settings;

    private PostgresServer(string bin, IReadOnlyDictionary<string, string> settings)
    {
        _bin = bin;
        _settings = settings;
        _asPostgresUser = Environment.UserName == "root";
        _folder = Path.Combine(Path.GetTempPath(), "stripecdc-pg-" + Guid.NewGuid().ToString("N")[..12]);
        _data = Path.Combine(_folder, "data");
        Directory.CreateDirectory(_folder);
        Port = FreePort();
    }

    public int Port { get; }

    /// <summary>The postmaster's process id while the server runs (its backends are its children).</summary>
    public int? ProcessId =>
        File.Exists(Path.Combine(_data, "postmaster.pid")) && int.TryParse(File.ReadLines(Path.Combine(_data, "postmaster.pid")).FirstOrDefault(), out var pid) ? pid : null;

    /// <summary>The server's log file.</summary>
    public string LogPath => Path.Combine(_folder, "server.log");

    /// <summary>The connection string of the <c>postgres</c> database.</summary>
    public string ConnectionString => ConnectionStringFor("postgres");

    /// <summary>
    /// Starts a new cluster. <paramref name="settings"/> are server settings (<c>-c name=value</c>);
    /// tests pass <c>fsync=off</c> for speed, benchmarks keep the defaults.
    /// </summary>
    public static PostgresServer Start(IReadOnlyDictionary<string, string>? settings = null)
    {
        var server = new PostgresServer(FindBinaries(), settings ?? new Dictionary<string, string>());
        try
        {
            server.InitDb();
            server.StartServer();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Database = database,
        Timeout = 5,
    }.ConnectionString;

    /// <summary>Creates an empty database and returns its connection string, so tests don't share tables.</summary>
    public async Task<string> CreateDatabaseAsync(string? prefix = null)
    {
        var name = $"{prefix ?? "test"}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionStringFor(name);
    }

    /// <summary>Stops the server (fast shutdown), as when the database goes down.</summary>
    public void Stop()
    {
        NpgsqlConnection.ClearAllPools();
        Run("pg_ctl", "-D", _data, "-m", "fast", "-w", "stop");
    }

    /// <summary>Starts the server again after <see cref="Stop"/>.</summary>
    public void StartServer()
    {
        var options = new List<string> { "-c", "listen_addresses=127.0.0.1", "-c", $"port={Port}", "-c", $"unix_socket_directories={_folder}" };
        foreach (var (name, value) in _settings)
        {
            options.Add("-c");
            options.Add($"{name}={value}");
        }

        Run("pg_ctl", "-D", _data, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60", "-o", string.Join(' ', options), "start");
    }

    public void Dispose()
    {
        try
        {
            if (File.Exists(Path.Combine(_data, "postmaster.pid")))
            {
                NpgsqlConnection.ClearAllPools();
                Run("pg_ctl", "-D", _data, "-m", "immediate", "-w", "stop");
            }
        }
        catch (InvalidOperationException)
        {
            // Already stopped; the folder goes anyway.
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void InitDb()
    {
        if (_asPostgresUser)
        {
            Run("chown", "-R", SuperUser, _folder);
        }

        Run("initdb", "-D", _data, "-U", SuperUser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync");
    }

    private void Run(string tool, params string[] arguments)
    {
        var executable = tool == "chown" ? "chown" : Path.Combine(_bin, tool);
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (_asPostgresUser && tool != "chown")
        {
            start.FileName = "runuser";
            foreach (var argument in (string[])["-u", SuperUser, "--", executable, .. arguments])
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = executable;
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{tool} did not finish within 90 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stdout.Result}{stderr.Result}");
        }
    }

    private static string FindBinaries()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb); install Debian's 'postgresql' package.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
