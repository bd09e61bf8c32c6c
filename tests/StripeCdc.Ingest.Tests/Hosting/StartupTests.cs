using System.Net;
using Microsoft.Extensions.Options;
using StripeCdc.Ingest.Tests.Support;

namespace StripeCdc.Ingest.Tests.Hosting;

/// <summary>SPEC §1 settings at start-up: validation, the generated API key, the unverified-source warning; SPEC §9 health.</summary>
[Collection(KafkaCollection.Name)]
public sealed class StartupTests(KafkaFixture kafka)
{
    [Theory]
    [InlineData("FanOutFields", "invoice.items", "StripeCdc:Sources:default:FanOutFields")]
    [InlineData("SignatureToleranceSeconds", "0", "StripeCdc:Sources:default:SignatureToleranceSeconds")]
    [InlineData("SigningSecrets", "sk_live_51NotAWebhookSecret", "StripeCdc:Sources:default:SigningSecrets")]
    [InlineData("StripeCdc:Ingest:CommitDeadline", "00:00:00", "StripeCdc:Ingest:CommitDeadline")]
    [InlineData("StripeCdc:Ingest:MaxInFlightEvents", "0", "StripeCdc:Ingest:MaxInFlightEvents")]
    [InlineData("StripeCdc:Ledger:MaxEntries", "0", "StripeCdc:Ledger:MaxEntries")]
    public async Task A_misconfigured_setting_fails_start_up_with_a_message_naming_it(string key, string value, string named)
    {
        var source = new TestSource().Set(key, value);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => IngestServer.StartAsync(kafka, source.Settings));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk_live", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_generated_at_first_start_is_stored_outside_the_repo_stable_across_restarts_and_never_logged()
    {
        var source = new TestSource().Set("ApiKey", "");
        var keyFile = Path.Combine(source.Settings["StripeCdc:Ingest:ApiKeyFolder"]!, "default.key");
        string key;
        await using (var first = await IngestServer.StartAsync(kafka, source.Settings))
        {
            key = (await File.ReadAllTextAsync(keyFile)).Trim();
            using var accepted = await first.Client.SendAsync(StripeEvents.Request(source, StripeEvents.CustomerCreated(), apiKey: key));
            using var configuredKeyIsNotValid = await first.Client.SendAsync(StripeEvents.Request(source, StripeEvents.CustomerCreated()));
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, configuredKeyIsNotValid.StatusCode);
            Assert.DoesNotContain(first.Logs.Lines, l => l.Contains(key, StringComparison.Ordinal));
            Assert.Contains(first.Logs.Lines, l => l.Contains(keyFile, StringComparison.Ordinal));
        }

        await using var second = await IngestServer.StartAsync(kafka, source.Settings);
        using var afterRestart = await second.Client.SendAsync(StripeEvents.Request(source, StripeEvents.CustomerCreated(), apiKey: key));

        Assert.True(key.Length >= 32);
        Assert.False(keyFile.StartsWith(AppContext.BaseDirectory, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, afterRestart.StatusCode);
        Assert.Equal(key, (await File.ReadAllTextAsync(keyFile)).Trim());
        Assert.Equal(2, kafka.Count(source.Topic("customer")));
    }

    [Fact]
    public async Task Empty_SigningSecrets_logs_a_loud_warning_and_accepts_unsigned_events()
    {
        var source = new TestSource().Set("SigningSecrets", "");
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);

        using var unsigned = await server.Client.SendAsync(StripeEvents.Request(source, StripeEvents.CustomerCreated(), signature: null));

        Assert.Contains(server.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("NOT verified", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, unsigned.StatusCode);
        Assert.Equal(1, kafka.Count(source.Topic("customer")));
    }

    [Fact]
    public async Task Health_includes_Kafka_reachability_and_alive_does_not()
    {
        var source = new TestSource();
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);

        using var healthy = await server.Client.GetAsync("/health");
        HttpResponseMessage unhealthy, alive;
        kafka.Cluster.SetAllBrokersDown();
        try
        {
            unhealthy = await server.Client.GetAsync("/health");
            alive = await server.Client.GetAsync("/alive");
        }
        finally
        {
            kafka.Cluster.SetAllBrokersUp();
        }

        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unhealthy.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }
}
