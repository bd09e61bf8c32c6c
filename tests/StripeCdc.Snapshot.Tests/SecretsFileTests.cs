using StripeCdc.Snapshot.Webhooks;

namespace StripeCdc.Snapshot.Tests;

/// <summary>Issue 12.6: the secrets file is readable by its owner only from the first byte and replaced atomically.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SecretsFileTests
{
    [Fact]
    public void Storing_a_secret_creates_an_owner_only_file_and_never_writes_into_a_file_planted_beside_it()
    {
        var folder = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"));
        var path = Path.Combine(folder, "secrets.json");
        Directory.CreateDirectory(folder);

        // A world-readable file someone opened beforehand, at the name a fixed temporary path would use.
        var planted = path + ".tmp";
        File.WriteAllText(planted, "");
        File.SetUnixFileMode(planted, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using var reader = new FileStream(planted, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        var store = new SigningSecretStore(path);
        store.Add("default", "we_1", "whsec_first_secret_value");
        store.Add("default", "we_2", "whsec_second_secret_value");

        using var leaked = new StreamReader(reader);
        Assert.Equal("", leaked.ReadToEnd());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Contains("whsec_second_secret_value", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(2, store.Endpoints("default").Count);
        Assert.DoesNotContain(Directory.GetFiles(folder), f => f.EndsWith(".tmp", StringComparison.Ordinal) && f != planted);
    }
}
