using Microsoft.Extensions.Options;
using StripeCdc.Checkpoints;

namespace StripeCdc.Snapshot.Checkpoints;

/// <summary>
/// One JSON file per source and resource under <c>CheckpointFolder</c>
/// (<c>&lt;folder&gt;/&lt;source&gt;/&lt;resource&gt;.json</c>; a connected account's in
/// <c>&lt;folder&gt;/&lt;source&gt;/&lt;acct_…&gt;/</c>, see <see cref="CheckpointScope"/>), replaced atomically: written to a temporary
/// file, flushed to disk, then renamed over the old one, so a kill leaves the old or the new cursor.
/// A running resource holds an exclusive lock file beside its checkpoint (<see cref="FileLease"/>).
/// </summary>
internal sealed class FileCheckpointStore(IOptions<SnapshotOptions> options) : ICheckpointStore
{
    public async ValueTask<ResourceCheckpoint?> LoadAsync(string source, string resource, CancellationToken cancellationToken)
    {
        var path = PathOf(source, resource);
        if (!File.Exists(path))
        {
            return null;
        }

        return await JsonStateFile.ReadAsync<ResourceCheckpoint>(path, cancellationToken);
    }

    public ValueTask SaveAsync(string source, ResourceCheckpoint checkpoint, CancellationToken cancellationToken) =>
        JsonStateFile.WriteAsync(PathOf(source, checkpoint.Resource), checkpoint, options.Value.FlushCheckpoints, cancellationToken);

    public IEnumerable<(string Source, ResourceCheckpoint Checkpoint)> LoadAll()
    {
        var root = options.Value.CheckpointFolder;
        if (!Directory.Exists(root))
        {
            yield break;
        }

        foreach (var folder in Directory.EnumerateDirectories(root))
        {
            var source = Path.GetFileName(folder);
            foreach (var stored in LoadFolder(folder, source))
            {
                yield return stored;
            }

            // A connected account's checkpoints: <source>/<acct_…>/<resource>.json (scope <source>/<acct_…>).
            foreach (var accountFolder in Directory.EnumerateDirectories(folder).Where(f => CheckpointScope.IsAccountId(Path.GetFileName(f))))
            {
                foreach (var stored in LoadFolder(accountFolder, CheckpointScope.Of(source, Path.GetFileName(accountFolder))))
                {
                    yield return stored;
                }
            }
        }
    }

    private static IEnumerable<(string Source, ResourceCheckpoint Checkpoint)> LoadFolder(string folder, string scope)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
        {
            var checkpoint = JsonStateFile.Read<ResourceCheckpoint>(file);
            if (checkpoint is not null)
            {
                yield return (scope, checkpoint);
            }
        }
    }

    public ValueTask<ISnapshotLease> AcquireAsync(string source, string resource, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ISnapshotLease>(FileLease.Acquire(
            Path.Combine(options.Value.CheckpointFolder, source, resource + ".lock"), source, resource));

    private string PathOf(string source, string resource) =>
        Path.Combine(options.Value.CheckpointFolder, source, resource + ".json");
}
