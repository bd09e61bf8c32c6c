using System.Net;
using System.Text.Json.Nodes;
using StripeCdc.Ingest.Tests.Support;

namespace StripeCdc.Ingest.Tests.Security;

/// <summary>Issue 11 gap 4: a signing secret that registration stores, or an operator rolls, is in force without a restart.</summary>
[Collection(KafkaCollection.Name)]
public sealed class SigningSecretReloadTests(KafkaFixture kafka)
{
    private const string Rolled = "whsec_rolled_4tV8yB2nM6qW0eR3";

    [Fact]
    public async Task A_secret_stored_in_the_secrets_file_is_accepted_by_the_running_ingest_and_the_old_one_still_is()
    {
        var folder = Directory.CreateTempSubdirectory("stripecdc-secrets").FullName;
        var secretsFile = Path.Combine(folder, "secrets.json");
        WriteSecrets(secretsFile, TestSource.Secret);
        var source = new TestSource();
        source.Settings.Remove($"StripeCdc:Sources:{source.Name}:SigningSecrets");
        source.Settings["STRIPECDC_SECRETS_FILE"] = secretsFile;
        using var ingest = await ChildIngest.StartAsync(kafka, source.Settings);

        Assert.Equal(HttpStatusCode.OK, await SendAsync(ingest, source, TestSource.Secret));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(ingest, source, Rolled));

        // What webhook registration does on a roll: both secrets, written atomically (temporary file, rename).
        WriteSecrets(secretsFile, TestSource.Secret + "," + Rolled);

        var accepted = await Eventually.HoldsAsync(async () => await SendAsync(ingest, source, Rolled) == HttpStatusCode.OK, TimeSpan.FromSeconds(30));
        Assert.True(accepted, "an event signed with the stored secret was still refused 30 s later");
        Assert.False(ingest.Process.HasExited);
        Assert.Equal(HttpStatusCode.OK, await SendAsync(ingest, source, TestSource.Secret));

        // Emptying the file must not switch verification off in a running service.
        WriteSecrets(secretsFile, null);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(ingest, source, "whsec_someone_else_entirely_0000"));
        Directory.Delete(folder, recursive: true);
    }

    private static async Task<HttpStatusCode> SendAsync(ChildIngest ingest, TestSource source, string secret)
    {
        var payload = StripeEvents.CustomerCreated();
        using var response = await ingest.Client.SendAsync(StripeEvents.Request(source.Url(), System.Text.Encoding.UTF8.GetBytes(payload), StripeEvents.Sign(payload, secret)));
        return response.StatusCode;
    }

    private static void WriteSecrets(string path, string? secrets)
    {
        var source = new JsonObject();
        if (secrets is not null)
        {
            source["SigningSecrets"] = secrets;
        }

        var root = new JsonObject { ["StripeCdc"] = new JsonObject { ["Sources"] = new JsonObject { ["default"] = source } } };
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, root.ToJsonString());
        File.Move(temporary, path, overwrite: true);
    }
}
