using StripeCdc.Configuration;

namespace StripeCdc.Modules.Tests.Configuration;

/// <summary>Issue 12.6: the one helper for secret files (secrets.json, API keys).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PrivateFileTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void Write_creates_the_folder_0700_and_the_file_0600_and_replacing_a_world_readable_file_leaves_it_0600()
    {
        var folder = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"), "nested");
        var path = Path.Combine(folder, "secrets.json");

        PrivateFile.Write(path, "{\"a\":1}");
        var folderMode = File.GetUnixFileMode(folder);
        File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.OtherRead);
        PrivateFile.Write(path, "{\"a\":2}");

        Assert.Equal(OwnerOnly | UnixFileMode.UserExecute, folderMode);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal("{\"a\":2}", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(folder));
    }

    [Fact]
    public void TryCreate_keeps_the_first_writer_s_content()
    {
        var path = Path.Combine(Path.GetTempPath(), "stripecdc-tests", Guid.NewGuid().ToString("N"), "default.key");

        var first = PrivateFile.TryCreate(path, "first");
        var second = PrivateFile.TryCreate(path, "second");

        Assert.True(first);
        Assert.False(second);
        Assert.Equal("first", File.ReadAllText(path));
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }
}
