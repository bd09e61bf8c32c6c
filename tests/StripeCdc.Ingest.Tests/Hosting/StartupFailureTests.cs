using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using StripeCdc.Ingest.Hosting;
using StripeCdc.Ingest.Tests.Support;

namespace StripeCdc.Ingest.Tests.Hosting;

/// <summary>
/// Issue 17 §6: a start-up dependency that is missing or refused (Kafka's internal topics, the cluster, the database,
/// the secrets folder, a setting) stops the real ingest process within 20 s with exit code 1 and one line on stderr
/// naming what failed and the fix, and no stack trace anywhere in its output.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class StartupFailureTests(KafkaFixture kafka)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Without_the_module_switch_topic_on_a_cluster_that_refuses_CreateTopics_the_ingest_exits_1_within_20_s_naming_the_topic()
    {
        var source = new TestSource();
        var flagsTopic = $"t{source.Id}.flags";
        var settings = WithTopicsExcept(source, flagsTopic, flagsTopic);

        var run = await ChildIngest.RunUntilExitAsync(settings, TimeSpan.FromSeconds(60));

        var line = AssertOneLineFailure(run);
        Assert.Contains($"'{flagsTopic}'", line, StringComparison.Ordinal);
        Assert.Contains("StripeCdc:ModuleFlags:Topic", line, StringComparison.Ordinal);
        Assert.Contains("create it with 1 partition and cleanup.policy=compact", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_ledger_topic_on_a_cluster_that_refuses_CreateTopics_the_ingest_exits_1_within_20_s_naming_the_topic()
    {
        var source = new TestSource();
        var settings = WithTopicsExcept(source, $"t{source.Id}.flags", source.LedgerTopic);

        var run = await ChildIngest.RunUntilExitAsync(settings, TimeSpan.FromSeconds(60));

        var line = AssertOneLineFailure(run);
        Assert.Contains($"'{source.LedgerTopic}'", line, StringComparison.Ordinal);
        Assert.Contains("StripeCdc:Ledger:Topic", line, StringComparison.Ordinal);
        Assert.Contains("create it before the first start", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_cluster_stops_the_ingest_within_20_s_naming_the_connection_string()
    {
        var source = new TestSource().Set("ConnectionStrings:kafka", $"127.0.0.1:{ClosedPort()}");

        var run = await ChildIngest.RunUntilExitAsync(source.Settings, TimeSpan.FromSeconds(60));

        var line = AssertOneLineFailure(run);
        Assert.Contains("ConnectionStrings:kafka", line, StringComparison.Ordinal);
        Assert.Contains("Check that the cluster runs", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_Postgres_server_stops_the_ingest_within_20_s_naming_the_server_and_the_setting()
    {
        var port = ClosedPort();
        var source = new TestSource()
            .Set("StripeCdc:Sink", "Postgres")
            .Set("ConnectionStrings:postgres", $"Host=127.0.0.1;Port={port};Username=stripecdc;Password=not-shown;Database=stripecdc");

        var run = await ChildIngest.RunUntilExitAsync(source.Settings, TimeSpan.FromSeconds(60));

        var line = AssertOneLineFailure(run);
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings:postgres", line, StringComparison.Ordinal);
        Assert.DoesNotContain("not-shown", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Postgres_connection_string_that_does_not_parse_stops_the_ingest_naming_the_setting()
    {
        var source = new TestSource()
            .Set("StripeCdc:Sink", "Postgres")
            .Set("ConnectionStrings:postgres", "Server=127.0.0.1;Flavour=strawberry");

        var run = await ChildIngest.RunUntilExitAsync(source.Settings, TimeSpan.FromSeconds(60));

        var line = AssertOneLineFailure(run);
        Assert.Contains("ConnectionStrings:postgres is not a valid connection string", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_API_key_folder_that_cannot_be_created_stops_the_ingest_naming_the_folder_and_the_fix()
    {
        var blocker = Path.Combine(Directory.CreateTempSubdirectory("stripecdc-secrets").FullName, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "a file where the key folder should be");
        var folder = Path.Combine(blocker, "api-keys");
        var source = new TestSource().Set("ApiKey", "").Set("StripeCdc:Ingest:ApiKeyFolder", folder);
        var settings = WithTopicsExcept(source, $"t{source.Id}.flags");

        var run = await ChildIngest.RunUntilExitAsync(settings, TimeSpan.FromSeconds(60));

        var line = AssertOneLineFailure(run);
        Assert.Contains(folder, line, StringComparison.Ordinal);
        Assert.Contains("StripeCdc:Ingest:ApiKeyFolder", line, StringComparison.Ordinal);
        Assert.Contains("StripeCdc:Sources:default:ApiKey", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secrets_file_that_cannot_be_read_stops_the_ingest_naming_the_file_and_the_fix()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("stripecdc-secrets").FullName, "secrets.json");
        await File.WriteAllTextAsync(file, "{ \"StripeCdc\": { \"Sources\": ");
        var source = new TestSource().Set("ConnectionStrings:kafka", kafka.BootstrapServers);
        source.Settings["STRIPECDC_SECRETS_FILE"] = file;

        var run = await ChildIngest.RunUntilExitAsync(source.Settings, TimeSpan.FromSeconds(60));

        var line = AssertOneLineFailure(run);
        Assert.Contains(file, line, StringComparison.Ordinal);
        Assert.Contains("STRIPECDC_SECRETS_FILE", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_setting_stops_the_ingest_with_one_line_naming_it()
    {
        var source = new TestSource()
            .Set("ConnectionStrings:kafka", kafka.BootstrapServers)
            .Set("StripeCdc:Ingest:MaxInFlightEvents", "0");

        var run = await ChildIngest.RunUntilExitAsync(source.Settings, TimeSpan.FromSeconds(60));

        var line = AssertOneLineFailure(run);
        Assert.Contains("StripeCdc:Ingest:MaxInFlightEvents must be greater than 0", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backfilling_new_connected_accounts_with_the_JsonLines_sink_stops_the_ingest_with_one_line_naming_the_setting()
    {
        var source = new TestSource()
            .Set("ConnectionStrings:kafka", kafka.BootstrapServers)
            .Set("StripeCdc:Sink", "JsonLines")
            .Set("StripeCdc:Sinks:JsonLines:Folder", Directory.CreateTempSubdirectory("stripecdc-jsonl").FullName)
            .Set("Connect", "true")
            .Set("ConnectBackfillNewAccounts", "true");

        var run = await ChildIngest.RunUntilExitAsync(source.Settings, TimeSpan.FromSeconds(60));

        var line = AssertOneLineFailure(run);
        Assert.Contains("StripeCdc:Sources:default:ConnectBackfillNewAccounts needs a sink that keeps backfill requests (Kafka or Postgres); StripeCdc:Sink=JsonLines cannot", line, StringComparison.Ordinal);
    }

    /// <summary>Exit code 1 within the bound, one line on stderr that says the ingest cannot start, no stack trace anywhere; returns the line.</summary>
    private static string AssertOneLineFailure(ChildExit run)
    {
        Assert.True(run.Elapsed < Bound, $"took {run.Elapsed}; stderr: {string.Join(" / ", run.Stderr)}");
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.Stderr);
        Assert.StartsWith("StripeCdc ingest cannot start: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Stdout.Concat(run.Stderr), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("Unhandled exception", StringComparison.Ordinal));
        return line;
    }

    /// <summary>Every topic the deployment needs on the shared cluster (its own module switch topic included) except <paramref name="missing"/>.</summary>
    private Dictionary<string, string?> WithTopicsExcept(TestSource source, string flagsTopic, params string[] missing)
    {
        var settings = new Dictionary<string, string?>(source.Settings)
        {
            ["ConnectionStrings:kafka"] = kafka.BootstrapServers,
            ["StripeCdc:ModuleFlags:Topic"] = flagsTopic,
        };
        foreach (var topic in EmbeddedKafkaStartup.Topics(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).Except(missing))
        {
            kafka.Cluster.CreateTopic(topic, partitions: topic == flagsTopic ? 1 : 3);
        }

        return settings;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
