using StripeCdc.Configuration;
using StripeCdc.Events;
using StripeCdc.Records;
using StripeCdc.Sinks;

namespace StripeCdc.Pipeline;

/// <summary>
/// Everything the pipeline knows about one event: the raw bytes as received, the source's settings,
/// the envelope (parsed on first use, after the signature module has seen the raw bytes), the records
/// built so far and how it ended.
/// </summary>
public sealed class RecordContext
{
    private StripeEvent? _event;
    private Dictionary<string, object?>? _items;

    public RecordContext(
        SourceSettings source,
        ReadOnlyMemory<byte> body,
        string? signatureHeader,
        DateTimeOffset receivedAt,
        RecordKind kind = RecordKind.Change)
    {
        Source = source;
        Body = body;
        SignatureHeader = signatureHeader;
        ReceivedAt = receivedAt;
        Kind = kind;
    }

    public SourceSettings Source { get; }

    /// <summary>The request body, byte for byte.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The <c>Stripe-Signature</c> header, if any.</summary>
    public string? SignatureHeader { get; }

    public DateTimeOffset ReceivedAt { get; }

    public RecordKind Kind { get; private set; }

    /// <summary>Cancels waiting for the sink (the ingest's commit deadline).</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Set by a replay that was explicitly asked to skip signature checks.</summary>
    public bool SkipSignatureCheck { get; init; }

    /// <summary>The event envelope. Parsing happens on first access; a malformed body throws <see cref="MalformedEventException"/>.</summary>
    public StripeEvent Event => _event ??= StripeEventParser.Parse(Body);

    public bool IsEventParsed => _event is not null;

    /// <summary>
    /// The connected account the event belongs to (SPEC §12): its top-level <c>account</c> on a source with
    /// <c>Connect</c>; null for the platform's own events and on every other source (their keys stay <c>{"id"}</c>).
    /// </summary>
    public string? ConnectedAccount => Source.Options.Connect ? Event.Account : null;

    public ChangeKind ChangeKind => Kind switch
    {
        RecordKind.Snapshot => ChangeKind.Snapshot,
        RecordKind.Prune => ChangeKind.Delete,
        _ => ChangeKind.FromAction(Event.Action),
    };

    /// <summary>The records to write, in order; the routing module adds the event's own record first.</summary>
    public List<OutgoingRecord> Records { get; } = [];

    public OutgoingRecord? ParentRecord => Records.Find(r => r.Role == RecordRole.Parent);

    public PipelineOutcome Outcome { get; set; }

    /// <summary>
    /// What the sink did with the records; null when the event never reached it. The deduplication step reads
    /// it, and turns <see cref="SinkWriteResult.Written"/> into <see cref="SinkWriteResult.Committed"/> once it
    /// has marked the ledger: after the pipeline, <c>Committed</c> and <c>Duplicate</c> mean the ledger knows the id.
    /// </summary>
    public SinkWriteResult? SinkResult { get; internal set; }

    public RecordRejection? Rejection { get; private set; }

    /// <summary>A bag for modules that need to pass data along the chain.</summary>
    public IDictionary<string, object?> Items => _items ??= new(StringComparer.Ordinal);

    /// <summary>Replaces the parsed event (thin-event hydration); the body stays the original bytes for the DLQ.</summary>
    public void UseEvent(StripeEvent stripeEvent, RecordKind kind)
    {
        _event = stripeEvent;
        Kind = kind;
    }

    /// <summary>Stops the event with a reason: the DLQ module writes the original body to the DLQ topic.</summary>
    public void Reject(string reason, string message)
    {
        Rejection = new RecordRejection(reason, message);
        Records.Clear();
        Outcome = PipelineOutcome.Rejected;
    }

    /// <summary>Drops the event on purpose: nothing is written and the event counts as handled.</summary>
    public void Skip()
    {
        Records.Clear();
        Outcome = PipelineOutcome.Skipped;
    }
}
