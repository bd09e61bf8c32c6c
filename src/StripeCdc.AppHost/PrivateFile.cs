namespace StripeCdc.AppHost;

/// <summary>Files and folders only their owner can read, from the first byte (0600 and 0700 on Unix).</summary>
internal static class PrivateFile
{
    /// <summary>Writes atomically: a temp file, then a rename.</summary>
    public static void Write(string path, string content)
    {
        var temp = path + ".tmp-" + Environment.ProcessId;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temp, options))
        {
            writer.Write(content);
        }

        File.Move(temp, path, overwrite: true);
    }

    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
