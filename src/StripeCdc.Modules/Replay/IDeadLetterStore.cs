using StripeCdc.Configuration;

namespace StripeCdc.Replay;

/// <summary>Where the sink keeps dead-lettered events, read back by <see cref="DeadLetterReplayer"/>.</summary>
public interface IDeadLetterStore
{
    /// <summary>
    /// Hands each of the source's DLQ records that no replay has taken yet, up to the end as it stood when
    /// the call began, to <paramref name="replay"/>, and marks it taken once that returns. Records that fail
    /// again land back on the DLQ and wait for the next replay. Returns how many were handed over.
    /// </summary>
    Task<int> ReadAsync(SourceSettings source, Func<DeadLetterEntry, CancellationToken, Task> replay, CancellationToken cancellationToken);
}

/// <summary>A dead-lettered request: its body byte for byte and its original <c>Stripe-Signature</c>.</summary>
public sealed record DeadLetterEntry(ReadOnlyMemory<byte> Body, string? StripeSignature);
