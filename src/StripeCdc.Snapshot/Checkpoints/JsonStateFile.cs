using System.Text.Json;

namespace StripeCdc.Snapshot.Checkpoints;

/// <summary>
/// The worker's small state files (checkpoints, reconciliation positions) as JSON, each replaced atomically: a
/// temporary file, flushed, renamed over the old one, so a crash leaves the old state or the new, never half.
/// </summary>
internal static class JsonStateFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async ValueTask<T?> ReadAsync<T>(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<T>(stream, Json, cancellationToken);
    }

    public static T? Read<T>(string path) => JsonSerializer.Deserialize<T>(File.ReadAllBytes(path), Json);

    public static async ValueTask WriteAsync<T>(string path, T value, bool flushToDisk, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            await JsonSerializer.SerializeAsync(stream, value, Json, cancellationToken);
            stream.Flush(flushToDisk);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
