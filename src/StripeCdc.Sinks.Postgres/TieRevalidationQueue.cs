using System.Threading.Channels;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// Where the Postgres sink reports the ties it wrote, for <see cref="TieRevalidationService"/> to re-read.
/// Ties are queued only where they can be re-read: a service that can call Stripe registers an
/// <see cref="IObjectRevalidator"/>. Elsewhere <see cref="Enabled"/> is false and the sink counts a tie at once.
/// </summary>
internal sealed class TieRevalidationQueue(IObjectRevalidator? revalidator = null)
{
    private readonly Channel<TiedObject> _ties = Channel.CreateUnbounded<TiedObject>(new UnboundedChannelOptions { SingleReader = true });

    public bool Enabled { get; } = revalidator is not null;

    public ChannelReader<TiedObject> Reader => _ties.Reader;

    /// <summary>Queues a tie; never waits (the webhook's answer does not wait for the re-read).</summary>
    public bool TryReport(TiedObject tie) => _ties.Writer.TryWrite(tie);
}
