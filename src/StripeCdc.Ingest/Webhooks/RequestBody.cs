using System.Buffers;
using System.IO.Pipelines;

namespace StripeCdc.Ingest.Webhooks;

/// <summary>
/// A request body read into one buffer that grows as bytes arrive, never beyond the limit nor beyond what
/// the <see cref="BodyBudget"/> grants: a claimed <c>Content-Length</c> is not allocated up front (a small
/// one is, being the common case). A larger <c>Content-Length</c> than the limit is refused before reading,
/// a chunked body as soon as it passes the limit. Buffers up to 1 MB come from the shared pool; return
/// them with <see cref="Dispose"/> once nothing refers to <see cref="Memory"/>.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private const int PooledLimit = 1024 * 1024;

    /// <summary>Bodies up to this size get their claimed length at once; larger or unknown ones start here and double.</summary>
    private const int FirstBuffer = 64 * 1024;

    private readonly BodyBudget _budget;
    private byte[] _buffer = [];
    private bool _pooled;
    private int _reservedBytes;

    private RequestBody(BodyBudget budget) => _budget = budget;

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>Reads the whole body; null with the reason when it is larger than <paramref name="limit"/> or the budget is spent.</summary>
    public static async ValueTask<(RequestBody? Body, BodyReadFailure Failure)> ReadAsync(
        PipeReader reader, long? contentLength, long limit, BodyBudget budget, CancellationToken cancellationToken)
    {
        if (contentLength > limit)
        {
            return (null, BodyReadFailure.TooLarge);
        }

        var body = new RequestBody(budget);
        try
        {
            var first = contentLength is { } claimed && claimed <= FirstBuffer ? (int)claimed : FirstBuffer;
            if (!body.Grow(Math.Max(first, 1)))
            {
                body.Dispose();
                return (null, BodyReadFailure.OverBudget);
            }

            var most = contentLength ?? limit;
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var data = result.Buffer;
                if (body.Length + data.Length > limit)
                {
                    reader.AdvanceTo(data.End);
                    body.Dispose();
                    return (null, BodyReadFailure.TooLarge);
                }

                var needed = body.Length + (int)data.Length;
                if (needed > body._buffer.Length
                    && !body.Grow((int)Math.Min(Math.Max(needed, 2L * body._buffer.Length), Math.Max(needed, most))))
                {
                    reader.AdvanceTo(data.End);
                    body.Dispose();
                    return (null, BodyReadFailure.OverBudget);
                }

                data.CopyTo(body._buffer.AsSpan(body.Length));
                body.Length = needed;
                reader.AdvanceTo(data.End);
                if (result.IsCompleted)
                {
                    return (body, BodyReadFailure.None);
                }
            }
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Release();
        _buffer = [];
        Length = 0;
    }

    /// <summary>Moves to a buffer of <paramref name="size"/> bytes, reserved from the budget first.</summary>
    private bool Grow(int size)
    {
        if (!_budget.TryReserve(size))
        {
            return false;
        }

        var pooled = size <= PooledLimit;
        var grown = pooled ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);
        _buffer.AsSpan(0, Length).CopyTo(grown);
        var length = Length;
        Release();
        (_buffer, _pooled, Length) = (grown, pooled, length);
        _reservedBytes = size;
        return true;
    }

    private void Release()
    {
        if (_pooled)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _pooled = false;
        }

        _budget.Release(_reservedBytes);
        _reservedBytes = 0;
    }
}

internal enum BodyReadFailure
{
    None,
    TooLarge,
    OverBudget,
}
