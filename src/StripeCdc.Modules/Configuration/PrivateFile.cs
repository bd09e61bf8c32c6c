using System.Security.Cryptography;
using System.Text;

namespace StripeCdc.Configuration;

/// <summary>
/// Files that hold secrets (signing secrets, API keys): readable by their owner only from the first byte
/// (created with mode 0600, never chmod-ed afterwards) and replaced atomically (a fresh temporary file
/// beside the target, then a rename), so a reader sees the old content or the new, never a part.
/// The folder is created 0700 when missing. The AppHost compiles this file too (linked), for the secrets it hands
/// to the services.
/// </summary>
public static class PrivateFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = OwnerOnly | UnixFileMode.UserExecute;

    /// <summary>Creates the folder (and its missing parents) readable by its owner only; nothing happens when it exists.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnlyFolder);
        }
    }

    /// <summary>Writes <paramref name="contents"/> to <paramref name="path"/>, replacing what is there.</summary>
    public static void Write(string path, string contents) => WriteCore(path, contents, overwrite: true);

    /// <summary>Writes the file only if it does not exist; false when another writer created it first.</summary>
    public static bool TryCreate(string path, string contents)
    {
        try
        {
            WriteCore(path, contents, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }

    private static void WriteCore(string path, string contents, bool overwrite)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
        {
            CreateFolder(folder);
        }

        // A fresh, unpredictable name created exclusively: nothing planted at a fixed temporary path is ever written into.
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(contents));
                stream.Flush(flushToDisk: true);
            }

            // Without overwrite .NET links the new name (fails when the target exists), so two creators never both win.
            File.Move(temporary, path, overwrite);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
