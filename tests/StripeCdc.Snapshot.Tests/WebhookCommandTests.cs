using System.Text.Json;
using StripeCdc.FakeStripe;
using StripeCdc.Snapshot.Tests.Support;

namespace StripeCdc.Snapshot.Tests;

public sealed class WebhookCommandTests
{
    [Fact]
    public async Task The_webhooks_commands_create_list_and_delete_without_ever_printing_the_secret()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var secretsFile = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"), "secrets.json");
        var environment = new Dictionary<string, string>
        {
            ["StripeCdc__Sources__default__StripeApiKey"] = "sk_test_webhookcli",
            ["StripeCdc__Sources__default__StripeApiBase"] = stripe.ApiBase,
            ["StripeCdc__Sources__default__Resources"] = "charge",
            ["StripeCdc__Sources__default__ApiVersion"] = "2026-10-28.endive",
            ["StripeCdc__SecretsFile"] = secretsFile,
        };

        var create = await RunAsync(["webhooks", "create", "--url", "https://cdc.example.com/webhooks/stripe?api_key=connector-secret"], environment);
        var endpoint = Assert.Single(stripe.WebhookEndpoints.All);
        var list = await RunAsync(["webhooks", "list"], environment);
        var stored = JsonDocument.Parse(await File.ReadAllTextAsync(secretsFile)).RootElement
            .GetProperty("StripeCdc").GetProperty("Sources").GetProperty("default").GetProperty("SigningSecrets").GetString();
        var delete = await RunAsync(["webhooks", "delete", "--id", endpoint.Id], environment);

        Assert.Equal(endpoint.Secret, stored);
        Assert.Equal("2026-10-28.endive", endpoint.ApiVersion);
        Assert.Contains("charge.succeeded", endpoint.EnabledEvents);
        Assert.Contains($"created {endpoint.Id}", create, StringComparison.Ordinal);
        Assert.Contains(endpoint.Id, list, StringComparison.Ordinal);
        Assert.Contains("managed", list, StringComparison.Ordinal);
        Assert.Contains($"deleted {endpoint.Id}", delete, StringComparison.Ordinal);
        Assert.Empty(stripe.WebhookEndpoints.All);
        foreach (var output in new[] { create, list, delete })
        {
            Assert.DoesNotContain(endpoint.Secret, output, StringComparison.Ordinal);
            Assert.DoesNotContain(endpoint.Secret[6..^4], output, StringComparison.Ordinal);
            Assert.DoesNotContain("connector-secret", output, StringComparison.Ordinal);
            Assert.DoesNotContain("sk_test_webhookcli", output, StringComparison.Ordinal);
        }
    }

    private static async Task<string> RunAsync(string[] args, Dictionary<string, string> environment)
    {
        using var process = WorkerProcess.Start(args, environment);
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, process.Output);
        return process.Output;
    }
}
