using System.Buffers;
using System.IO.Pipelines;

namespace StripeCdc.Ingest.Webhooks;

/// <summary>
/// A request body read into one buffer, never more than the limit: a larger <c>Content-Length</c> is
/// refused before reading, a chunked body as soon as it passes the limit. Small buffers come from the
/// shared pool; return them with <see cref="Dispose"/> once nothing refers to <see cref="Memory"/>.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private const int PooledLimit = 1024 * 1024;
    private const int InitialUnknownLength = 16 * 1024;

    private byte[] _buffer;
    private bool _pooled;

    private RequestBody(byte[] buffer, bool pooled)
    {
        _buffer = buffer;
        _pooled = pooled;
    }

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>Reads the whole body, or returns null when it is larger than <paramref name="limit"/>.</summary>
    public static async ValueTask<RequestBody?> ReadAsync(PipeReader reader, long? contentLength, long limit, CancellationToken cancellationToken)
    {
        if (contentLength > limit)
        {
            return null;
        }

        var body = Allocate((int)(contentLength ?? InitialUnknownLength));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var data = result.Buffer;
                if (body.Length + data.Length > limit)
                {
                    reader.AdvanceTo(data.End);
                    body.Dispose();
                    return null;
                }

                body.Append(data);
                reader.AdvanceTo(data.End);
                if (result.IsCompleted)
                {
                    return body;
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
        if (_pooled)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _pooled = false;
        }

        _buffer = [];
        Length = 0;
    }

    private static RequestBody Allocate(int size)
    {
        size = Math.Max(size, 1);
        return size <= PooledLimit
            ? new RequestBody(ArrayPool<byte>.Shared.Rent(size), pooled: true)
            : new RequestBody(GC.AllocateUninitializedArray<byte>(size), pooled: false);
    }

    private void Append(ReadOnlySequence<byte> data)
    {
        var needed = Length + (int)data.Length;
        if (needed > _buffer.Length)
        {
            var grown = Allocate(Math.Max(needed, (int)Math.Min((long)_buffer.Length * 2, int.MaxValue)));
            _buffer.AsSpan(0, Length).CopyTo(grown._buffer);
            var length = Length;
            Dispose();
            (_buffer, _pooled, Length) = (grown._buffer, grown._pooled, length);
        }

        data.CopyTo(_buffer.AsSpan(Length));
        Length = needed;
    }
}
