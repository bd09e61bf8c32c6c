using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StripeCdc.Snapshot.Tests.Support;

namespace StripeCdc.Snapshot.Tests;

/// <summary>
/// Issue 17 §6 for the snapshot worker: a start-up dependency that is missing or refused stops the real worker
/// process within 20 s with exit code 1 and one line on stderr naming what failed and the fix, and no stack trace.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class StartupFailureTests(KafkaFixture kafka)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Without_the_ledger_topic_on_a_cluster_that_refuses_CreateTopics_the_worker_exits_1_within_20_s_naming_the_topic()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var ledgerTopic = $"ledger_{id}";
        kafka.Cluster.CreateTopic($"flags_{id}", partitions: 1);
        var environment = Environment(id, new()
        {
            ["ConnectionStrings:kafka"] = kafka.BootstrapServers,
            ["StripeCdc:Ledger:Topic"] = ledgerTopic,
            ["StripeCdc:ModuleFlags:Topic"] = $"flags_{id}",
        });

        var line = await AssertOneLineFailureAsync(environment);

        Assert.Contains($"'{ledgerTopic}'", line, StringComparison.Ordinal);
        Assert.Contains("StripeCdc:Ledger:Topic", line, StringComparison.Ordinal);
        Assert.Contains("create it before the first start", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_module_switch_topic_on_a_cluster_that_refuses_CreateTopics_the_worker_exits_1_within_20_s_naming_the_topic()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var flagsTopic = $"flags_{id}";
        kafka.Cluster.CreateTopic($"ledger_{id}");
        var environment = Environment(id, new()
        {
            ["ConnectionStrings:kafka"] = kafka.BootstrapServers,
            ["StripeCdc:Ledger:Topic"] = $"ledger_{id}",
            ["StripeCdc:ModuleFlags:Topic"] = flagsTopic,
        });

        var line = await AssertOneLineFailureAsync(environment);

        Assert.Contains($"'{flagsTopic}'", line, StringComparison.Ordinal);
        Assert.Contains("StripeCdc:ModuleFlags:Topic", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_Postgres_server_stops_the_worker_within_20_s_naming_the_server_and_the_setting()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var port = ClosedPort();
        var environment = Environment(id, new()
        {
            ["StripeCdc:Sink"] = "Postgres",
            ["ConnectionStrings:postgres"] = $"Host=127.0.0.1;Port={port};Username=stripecdc;Password=not-shown;Database=stripecdc",
        });

        var line = await AssertOneLineFailureAsync(environment);

        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:postgres", line, StringComparison.Ordinal);
        Assert.DoesNotContain("not-shown", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_setting_stops_the_worker_with_one_line_naming_it()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var environment = Environment(id, new()
        {
            ["StripeCdc:Sink"] = "Postgres",
            ["ConnectionStrings:postgres"] = "Host=127.0.0.1;Flavour=strawberry",
        });

        var line = await AssertOneLineFailureAsync(environment);

        Assert.Contains("ConnectionStrings:postgres is not a valid connection string", line, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Environment(string id, Dictionary<string, string> settings)
    {
        settings["StripeCdc:Sources:default:TopicPrefix"] = $"w{id}.";
        settings["StripeCdc:Sources:default:StripeApiKey"] = "sk_test_startup";
        settings["StripeCdc:Snapshot:CheckpointStore"] = "File";
        settings["StripeCdc:Snapshot:CheckpointFolder"] = Path.Combine(Path.GetTempPath(), "stripecdc-tests", id);
        settings["StripeCdc:Reconciliation:Interval"] = "0";
        settings["ASPNETCORE_ENVIRONMENT"] = "Production";
        settings["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        settings["Logging:LogLevel:Default"] = "Information";
        return settings.ToDictionary(e => e.Key.Replace(":", "__", StringComparison.Ordinal), e => e.Value);
    }

    /// <summary>Exit code 1 within the bound, one line on stderr that says the worker cannot start, no stack trace; returns the line.</summary>
    private static async Task<string> AssertOneLineFailureAsync(Dictionary<string, string> environment)
    {
        var clock = Stopwatch.StartNew();
        using var worker = WorkerProcess.Start([], environment);
        int exitCode;
        try
        {
            exitCode = await worker.WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException("The worker did not exit: " + worker.Output);
        }

        var elapsed = clock.Elapsed;
        Assert.True(elapsed < Bound, $"took {elapsed}: {worker.Output}");
        Assert.Equal(1, exitCode);
        var line = Assert.Single(worker.ErrorLines);
        Assert.StartsWith("StripeCdc snapshot worker cannot start: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(worker.Output.Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("Unhandled exception", StringComparison.Ordinal));
        return line;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
