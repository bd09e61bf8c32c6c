using Microsoft.Extensions.Options;
using StripeCdc.Checkpoints;

namespace StripeCdc.Snapshot.Checkpoints;

/// <summary>
/// Reconciliation positions as files beside the snapshot checkpoints: <c>&lt;folder&gt;/&lt;source&gt;/reconciliation/&lt;acct_…&gt;.json</c>
/// (a folder that is not an account id, so the checkpoint store's listing passes it by), each replaced atomically
/// as a checkpoint is: a temporary file, flushed, renamed over the old one.
/// </summary>
internal sealed class FileReconciliationPositionStore(IOptions<SnapshotOptions> options) : IReconciliationPositionStore
{
    private const string FolderName = "reconciliation";

    public async ValueTask<IReadOnlyList<ReconciliationPosition>> LoadAllAsync(CancellationToken cancellationToken)
    {
        var root = options.Value.CheckpointFolder;
        var positions = new List<ReconciliationPosition>();
        if (!Directory.Exists(root))
        {
            return positions;
        }

        foreach (var folder in Directory.EnumerateDirectories(root).Select(s => Path.Combine(s, FolderName)).Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "acct_*.json"))
            {
                if (await JsonStateFile.ReadAsync<ReconciliationPosition>(file, cancellationToken) is { } position)
                {
                    positions.Add(position);
                }
            }
        }

        return positions;
    }

    public async ValueTask SaveAsync(ReconciliationPosition position, CancellationToken cancellationToken)
    {
        if (!CheckpointScope.IsAccountId(position.Account))
        {
            throw new ArgumentException($"'{position.Account}' is not a connected account id (acct_…).", nameof(position));
        }

        var path = Path.Combine(options.Value.CheckpointFolder, position.Source, FolderName, position.Account + ".json");
        await JsonStateFile.WriteAsync(path, position, options.Value.FlushCheckpoints, cancellationToken);
    }
}
