using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Configuration;
using StripeCdc.FakeStripe;
using StripeCdc.Testing;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Snapshot.Webhooks;

namespace StripeCdc.Snapshot.Tests;

public sealed class WebhookRegistrationTests
{
    [Fact]
    public async Task Create_derives_enabled_events_pins_the_api_version_and_stores_the_secret_where_the_ingest_reads_it()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        var secretsFile = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"), "secrets.json");
        using var harness = new SnapshotHarness(stripe, kafka: null, [("Resources", "customer,invoice"), ("ApiVersion", "2025-03-31.basil"), ("StripeCdc:SecretsFile", secretsFile)], sink: new CapturingSink());
        var registrar = harness.Services.GetRequiredService<WebhookRegistrar>();

        var created = await registrar.CreateAsync(harness.Source, "https://cdc.example.com/webhooks/stripe/default?api_key=k", null, null, CancellationToken.None);

        var endpoint = stripe.WebhookEndpoints.Find(created.Id)!;
        Assert.Equal("2025-03-31.basil", endpoint.ApiVersion);
        Assert.Contains("customer.created", endpoint.EnabledEvents);
        Assert.Contains("customer.subscription.deleted", endpoint.EnabledEvents);
        Assert.Contains("invoice.paid", endpoint.EnabledEvents);
        Assert.DoesNotContain("charge.succeeded", endpoint.EnabledEvents);
        Assert.All(endpoint.EnabledEvents, e => Assert.True(e.StartsWith("customer.", StringComparison.Ordinal) || e.StartsWith("invoice.", StringComparison.Ordinal), e));

        // The ingest adds the same file as a configuration source and reads the secret from it.
        var ingestConfiguration = new ConfigurationBuilder().AddStripeCdcSecretsFile(secretsFile).Build();
        var options = new StripeCdcOptions();
        StripeCdcOptionsReader.Read(ingestConfiguration, options);
        Assert.Equal([endpoint.Secret], options.Sources["default"].SigningSecrets);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretsFile));
        }

        var masked = SigningSecretStore.Mask(endpoint.Secret);
        Assert.DoesNotContain(endpoint.Secret[6..^4], masked, StringComparison.Ordinal);

        var listed = await registrar.ListAsync(harness.Source, CancellationToken.None);
        Assert.Equal(created.Id, Assert.Single(listed).Id);
        Assert.Null(Assert.Single(listed).Secret);

        var updated = await registrar.UpdateAsync(harness.Source, created.Id, "https://cdc2.example.com/webhooks/stripe?api_key=k", ["*"], disabled: true, CancellationToken.None);
        Assert.Equal("https://cdc2.example.com/webhooks/stripe?api_key=k", endpoint.Url);
        Assert.Equal(["*"], endpoint.EnabledEvents);
        Assert.Equal("disabled", updated.Status);

        await registrar.DeleteAsync(harness.Source, created.Id, CancellationToken.None);
        Assert.Empty(stripe.WebhookEndpoints.All);
        var afterDelete = new StripeCdcOptions();
        StripeCdcOptionsReader.Read(new ConfigurationBuilder().AddStripeCdcSecretsFile(secretsFile).Build(), afterDelete);
        Assert.Empty(afterDelete.Sources["default"].SigningSecrets);
    }

    [Fact]
    public void All_resources_selected_with_a_star_enable_every_event()
    {
        Assert.Equal(["*"], WebhookEventTypes.For(["customer", "*"]));
        Assert.Contains("customer.subscription.updated", WebhookEventTypes.For(["subscription"]));
    }
}
