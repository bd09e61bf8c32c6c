using Microsoft.Extensions.Options;
using StripeCdc.Ingest.Hosting;

namespace StripeCdc.Ingest.Webhooks;

/// <summary>
/// The bytes all request bodies may hold at once (<see cref="IngestOptions.MaxBufferedBodyBytes"/>). A body
/// reserves its buffer before growing it; when the budget is spent the request is answered 503 with
/// <c>Retry-After</c> instead of the process running out of memory.
/// </summary>
internal sealed class BodyBudget(IOptions<IngestOptions> options)
{
    private long _available = options.Value.MaxBufferedBodyBytes;

    public long Available => Volatile.Read(ref _available);

    public bool TryReserve(long bytes)
    {
        var available = Volatile.Read(ref _available);
        while (available >= bytes)
        {
            var seen = Interlocked.CompareExchange(ref _available, available - bytes, available);
            if (seen == available)
            {
                return true;
            }

            available = seen;
        }

        return false;
    }

    public void Release(long bytes) => Interlocked.Add(ref _available, bytes);
}
