using Microsoft.Extensions.Options;
using StripeCdc.Ingest.Hosting;

namespace StripeCdc.Ingest.Webhooks;

/// <summary>Bounds the events processed at once; a request beyond the bound is refused, not queued.</summary>
internal sealed class InFlightLimiter(IOptions<IngestOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxInFlightEvents, options.Value.MaxInFlightEvents);

    public int Available => _slots.CurrentCount;

    public bool TryEnter() => _slots.Wait(0);

    public void Exit() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}
