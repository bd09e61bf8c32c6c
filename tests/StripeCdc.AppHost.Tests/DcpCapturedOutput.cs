namespace StripeCdc.AppHost.Tests;

/// <summary>
/// A service's console output as DCP captures it (<c>/tmp/aspire-dcp*/&lt;id&gt;_out</c>), held open so it can be read
/// to the end after the AppHost has stopped and deleted the folder: Aspire's log stream ends when the app stops,
/// before a service has finished its own shutdown, which is what a graceful-stop test needs to see.
/// </summary>
internal sealed class DcpCapturedOutput : IDisposable
{
    private readonly FileStream _file;

    private DcpCapturedOutput(FileStream file) => _file = file;

    /// <summary>The newest DCP session's capture of the ASP.NET Core service whose content root is <c>src/&lt;project&gt;</c>.</summary>
    public static DcpCapturedOutput Open(string project)
    {
        var contentRoot = "Content root path: " + Path.Combine("src", project);
        var session = new DirectoryInfo(Path.GetTempPath()).GetDirectories("aspire-dcp*").OrderByDescending(d => d.CreationTimeUtc).First();
        foreach (var capture in session.GetFiles("*_out"))
        {
            var file = new FileStream(capture.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(file, leaveOpen: true);
            if (reader.ReadToEnd().Split('\n').Any(line => line.TrimEnd().EndsWith(project, StringComparison.Ordinal) && line.Contains("Content root path: ", StringComparison.Ordinal)))
            {
                return new DcpCapturedOutput(file);
            }

            file.Dispose();
        }

        throw new InvalidOperationException($"No output captured by DCP in {session.FullName} comes from {contentRoot}.");
    }

    public string ReadToEnd()
    {
        _file.Position = 0;
        using var reader = new StreamReader(_file, leaveOpen: true);
        return reader.ReadToEnd();
    }

    public void Dispose() => _file.Dispose();
}
