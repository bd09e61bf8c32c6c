using StripeCdc.Snapshot.Cli;

namespace StripeCdc.Snapshot.Tests;

public sealed class CliArgumentsTests
{
    [Fact]
    public void The_command_line_separates_options_flags_and_configuration_overrides()
    {
        var cli = CliArguments.Parse(["snapshot", "--resources", "customer,invoice", "--restart", "--StripeCdc:Snapshot:Burst=2"]);

        Assert.Equal(["snapshot"], cli.Words);
        Assert.Equal(["customer", "invoice"], cli.List("resources"));
        Assert.True(cli.Flag("restart"));
        Assert.Equal(["--StripeCdc:Snapshot:Burst=2"], cli.ConfigurationOverrides);
        Assert.Equal("https://h/webhooks/stripe?…", CliApp.RedactUrl("https://h/webhooks/stripe?api_key=secret"));
    }
}
