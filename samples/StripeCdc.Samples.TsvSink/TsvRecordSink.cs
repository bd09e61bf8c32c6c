using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StripeCdc.Records;
using StripeCdc.Sinks;

namespace StripeCdc.Samples.TsvSink;

/// <summary>
/// Appends <c>topic&#9;key&#9;value</c> per record, the value as one line of JSON (a dead letter's bytes,
/// which need not be JSON, as base64). A batch returns once it is flushed to disk, which is what
/// <see cref="IRecordSink"/> asks of every sink.
/// </summary>
internal sealed class TsvRecordSink(IOptions<TsvSinkOptions> options) : IRecordSink
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>No ledger here: the deduplication step keeps the event ledger of the deployment (Kafka's, when configured).</summary>
    public bool WritesLedger => false;

    public async ValueTask<SinkWriteResult> WriteAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        var lines = new StringBuilder();
        foreach (var record in records)
        {
            var key = record.Key is null ? string.Empty : Encoding.UTF8.GetString(record.Key);
            lines.Append(record.Topic).Append('\t').Append(key).Append('\t').Append(Value(record)).Append('\n');
        }

        var path = Path.GetFullPath(options.Value.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            await file.WriteAsync(Encoding.UTF8.GetBytes(lines.ToString()), cancellationToken);
            file.Flush(flushToDisk: true);
            return SinkWriteResult.Written;
        }
        catch (IOException ex)
        {
            throw new SinkException($"The TSV sink could not write to '{path}': {ex.Message}", isPermanent: false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string Value(OutgoingRecord record)
    {
        var value = record.BuildValue();
        if (record.Role == RecordRole.DeadLetter)
        {
            return Convert.ToBase64String(value);
        }

        // Stripe's JSON is pretty-printed; one record must stay on one line.
        using var document = JsonDocument.Parse(value);
        return JsonSerializer.Serialize(document.RootElement);
    }
}
