using Microsoft.Extensions.Logging;
using StripeCdc.Configuration;
using StripeCdc.Pipeline;

namespace StripeCdc.Replay;

/// <summary>
/// Re-injects a source's DLQ records through the pipeline (SPEC §5), reading them from the selected
/// sink's <see cref="IDeadLetterStore"/>. The original <c>Stripe-Signature</c> is checked unless the
/// caller explicitly asks to skip it.
/// </summary>
public sealed partial class DeadLetterReplayer(
    RecordPipeline pipeline,
    SourceCatalog sources,
    TimeProvider timeProvider,
    ILogger<DeadLetterReplayer> logger,
    IDeadLetterStore? store = null)
{
    public async Task<ReplayResult> ReplayAsync(string sourceName, bool skipSignatureCheck, CancellationToken cancellationToken)
    {
        var source = sources.Get(sourceName);
        if (store is null)
        {
            throw new InvalidOperationException("The selected sink keeps no DLQ that can be replayed (use the Kafka or Postgres sink).");
        }

        var outcomes = new Dictionary<PipelineOutcome, int>();
        var replayed = await store.ReadAsync(
            source,
            async (entry, token) =>
            {
                var context = new RecordContext(source, entry.Body, entry.StripeSignature, timeProvider.GetUtcNow())
                {
                    SkipSignatureCheck = skipSignatureCheck,
                    CancellationToken = token,
                };
                await pipeline.ProcessAsync(context);
                outcomes[context.Outcome] = outcomes.GetValueOrDefault(context.Outcome) + 1;
            },
            cancellationToken);
        LogReplayed(source.Name, replayed);
        return new ReplayResult(source.Name, replayed, outcomes);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed {Count} DLQ records of source '{Source}'.")]
    private partial void LogReplayed(string source, int count);
}

public sealed record ReplayResult(string Source, int Replayed, IReadOnlyDictionary<PipelineOutcome, int> Outcomes);
