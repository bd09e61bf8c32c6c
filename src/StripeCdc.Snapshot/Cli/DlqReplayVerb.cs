using System.CommandLine;
using StripeCdc.Pipeline;
using StripeCdc.Replay;

namespace StripeCdc.Snapshot.Cli;

/// <summary><c>dlq replay</c>: re-injects a source's DLQ records through the pipeline (SPEC §5).</summary>
internal static class DlqReplayVerb
{
    public static Command Create(CliContext context)
    {
        var skipSignature = new Option<bool>("--skip-signature-check")
        {
            Description = "Do not verify the original Stripe-Signature again (for records whose secret is gone or whose timestamp is too old). Only when you trust the DLQ's contents.",
        };
        var replay = new Command(
            "replay",
            "Re-inject the source's dead-lettered records through the pipeline, from where the last replay stopped up to the DLQ's end now. "
                + "Records that fail again go back to the DLQ for a later replay; events already committed are not written twice.")
        {
            skipSignature,
        };
        replay.SetAction((parsed, cancellationToken) => context.RunAsync(parsed, writesRecords: true, deduplicates: true, async (services, source, token) =>
        {
            var result = await services.GetRequiredService<DeadLetterReplayer>().ReplayAsync(source.Name, parsed.GetValue(skipSignature), token);
            var failed = result.Outcomes.GetValueOrDefault(PipelineOutcome.DeadLettered) + result.Outcomes.GetValueOrDefault(PipelineOutcome.Rejected);
            await context.Output.WriteLineAsync(
                $"replayed {result.Replayed} DLQ record(s) of source '{result.Source}': produced {result.Outcomes.GetValueOrDefault(PipelineOutcome.Produced)}, "
                + $"skipped {result.Outcomes.GetValueOrDefault(PipelineOutcome.Skipped)}, dead-lettered again {result.Outcomes.GetValueOrDefault(PipelineOutcome.DeadLettered)}, "
                + $"rejected {result.Outcomes.GetValueOrDefault(PipelineOutcome.Rejected)}");
            return failed == 0 ? ExitCodes.Done : ExitCodes.Failed;
        }, cancellationToken));
        return new Command("dlq", "Work with the source's dead-letter queue.") { replay };
    }
}
