using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Cli;

namespace StripeCdc.Snapshot.Tests;

/// <summary>The snapshot worker's command line (System.CommandLine): help for every verb, exit codes 0/1/2.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData(new[] { "--help" }, "Without a command it runs as a worker", new[] { "snapshot", "reconcile", "webhooks", "dlq", "--source" })]
    [InlineData(new[] { "help" }, "Without a command it runs as a worker", new[] { "snapshot", "reconcile", "webhooks", "dlq" })]
    [InlineData(new[] { "snapshot", "--help" }, "Backfill resources from the Stripe API", new[] { "--resources", "--restart", "--prune", "--source", "snapshot resources" })]
    [InlineData(new[] { "reconcile", "-h" }, "Events API that the connector has not committed", new[] { "--from", "--to", "--hours", "--failed-only" })]
    [InlineData(new[] { "webhooks", "--help" }, "webhook endpoint that delivers to the connector", new[] { "create", "list", "update", "delete" })]
    [InlineData(new[] { "webhooks", "create", "--help" }, "store its signing secret", new[] { "--url", "--resources", "--description" })]
    [InlineData(new[] { "webhooks", "list", "--help" }, "which of them this connector manages", new[] { "--source" })]
    [InlineData(new[] { "webhooks", "update", "--help" }, "Change an endpoint's URL", new[] { "--id", "--url", "--disable", "--enable" })]
    [InlineData(new[] { "webhooks", "delete", "--help" }, "Delete an endpoint", new[] { "--id" })]
    [InlineData(new[] { "dlq", "--help" }, "dead-letter queue", new[] { "replay" })]
    [InlineData(new[] { "dlq", "replay", "--help" }, "Re-inject the source's dead-lettered records", new[] { "--skip-signature-check", "--source" })]
    public async Task Every_verb_has_help_and_help_exits_0(string[] args, string description, string[] mentions)
    {
        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(ExitCodes.Done, exit);
        Assert.Contains(description, output, StringComparison.Ordinal);
        Assert.All(mentions, m => Assert.Contains(m, output, StringComparison.Ordinal));
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData(new[] { "snapshot", "--bogus" }, "--bogus")]
    [InlineData(new[] { "snapshot", "--resources", "customer,nope" }, "'nope' cannot be snapshotted")]
    [InlineData(new[] { "reconcile", "--from", "yesterday" }, "'yesterday' is not a time")]
    [InlineData(new[] { "reconcile", "--hours", "0" }, "--hours must be more than 0")]
    [InlineData(new[] { "webhooks", "create" }, "--url")]
    [InlineData(new[] { "webhooks", "update", "--id", "we_1", "--disable", "--enable" }, "cannot be used together")]
    [InlineData(new[] { "webhooks", "delete" }, "--id")]
    [InlineData(new[] { "dlq" }, "dlq")]
    [InlineData(new[] { "dlq", "replay", "extra" }, "extra")]
    [InlineData(new[] { "snapshot", "--StripeCdc:Snapshot:Burst" }, "needs a value")]
    public async Task An_invalid_command_line_exits_2_with_a_message_and_does_nothing(string[] args, string message)
    {
        var (exit, output, error) = await RunAsync(args);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Invalid_settings_or_an_unknown_source_exit_2()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var settings = Settings(stripe);

        var badSetting = await RunAsync(["webhooks", "list", .. settings, "--StripeCdc:StripeApi:MaxRetries=-1"]);
        var unknownSource = await RunAsync(["webhooks", "list", "--source", "nope", .. settings]);

        Assert.Equal(ExitCodes.Usage, badSetting.Exit);
        Assert.Contains("MaxRetries", badSetting.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, unknownSource.Exit);
        Assert.Contains("No source named 'nope'", unknownSource.Error, StringComparison.Ordinal);
        Assert.Equal(0, stripe.Log.Count);
    }

    [Fact]
    public async Task A_verb_that_Stripe_refuses_exits_1_and_one_that_succeeds_exits_0()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var settings = Settings(stripe);

        var listed = await RunAsync(["webhooks", "list", .. settings]);
        stripe.Faults.Add(new FaultRule(403, int.MaxValue, "/v1/webhook_endpoints"));
        var refused = await RunAsync(["webhooks", "--source", "default", .. settings]);

        Assert.Equal(ExitCodes.Done, listed.Exit);
        Assert.Equal(ExitCodes.Failed, refused.Exit);
        Assert.Contains("permissions", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("sk_test_cli", refused.Error + refused.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snapshot_prune_with_a_sink_that_cannot_tell_what_it_holds_exits_2_and_reads_nothing()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        FakeStripeSeeder.Seed(stripe.Data, "customer", 3);
        var folder = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"));

        var (exit, _, error) = await RunAsync(
            ["snapshot", "--prune", "--resources", "customer", .. Settings(stripe), "--StripeCdc:Sink=JsonLines", $"--StripeCdc:Sinks:JsonLines:Folder={folder}",
             "--StripeCdc:Snapshot:CheckpointStore=File", $"--StripeCdc:Snapshot:CheckpointFolder={folder}"]);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(Snapshots.SnapshotPruner.NoInventory, error, StringComparison.Ordinal);
        Assert.Equal(0, stripe.Log.Count);
    }

    [Fact]
    public void The_endpoint_url_is_printed_without_its_query() =>
        Assert.Equal("https://h/webhooks/stripe?…", WebhooksVerb.RedactUrl("https://h/webhooks/stripe?api_key=secret"));

    [Fact]
    public void Configuration_overrides_are_split_from_the_command_line()
    {
        var (commandLine, overrides) = ConfigurationOverrides.Split(
            ["snapshot", "--resources", "customer", "--StripeCdc:StripeApi:Burst=2", "--ConnectionStrings:kafka", "h:9092", "--from=2026-11-20T00:00:00Z"]);

        Assert.Equal(["snapshot", "--resources", "customer", "--from=2026-11-20T00:00:00Z"], commandLine);
        Assert.Equal(["--StripeCdc:StripeApi:Burst=2", "--ConnectionStrings:kafka=h:9092"], overrides);
    }

    internal static async Task<(int Exit, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliApp.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static string[] Settings(FakeStripeServer stripe) =>
    [
        "--StripeCdc:Sources:default:StripeApiKey=sk_test_cli51Hn2kLwYp",
        $"--StripeCdc:Sources:default:StripeApiBase={stripe.ApiBase}",
        "--StripeCdc:StripeApi:MaxRetries=0",
        $"--StripeCdc:SecretsFile={Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"), "secrets.json")}",
    ];
}
