using StripeCdc.Checkpoints;

namespace StripeCdc.Snapshot.Checkpoints;

/// <summary>
/// The file store's lease: an exclusive lock on <c>&lt;resource&gt;.lock</c> beside the checkpoint, held
/// while the resource runs. The operating system drops it when the process dies.
/// </summary>
internal sealed class FileLease : ISnapshotLease
{
    private readonly FileStream _lock;

    private FileLease(FileStream handle)
    {
        _lock = handle;
    }

    public CancellationToken Lost => CancellationToken.None;

    public static FileLease Acquire(string path, string source, string resource)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            return new FileLease(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            throw new SnapshotLeaseException($"Another worker is running the {resource} snapshot of source '{source}' (it holds {path}).");
        }
    }

    public ValueTask DisposeAsync() => _lock.DisposeAsync();
}
