using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace StripeCdc.Ledger;

/// <summary>
/// A committed id (<c>source/event id</c>) as 128 bits of its SHA-256: 16 bytes instead of a ~90-byte
/// string, so 30 days of ids fit in memory. Two different ids share a fingerprint with probability
/// ~n²/2¹²⁹ (for 10⁸ ids, 10⁻²³): no event is wrongly taken for a duplicate in practice.
/// </summary>
internal readonly record struct EventFingerprint(ulong High, ulong Low)
{
    public static EventFingerprint Of(string key)
    {
        var length = Encoding.UTF8.GetMaxByteCount(key.Length);
        byte[]? rented = null;
        var buffer = length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            return Of(buffer[..Encoding.UTF8.GetBytes(key, buffer)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public static EventFingerprint Of(ReadOnlySpan<byte> utf8Key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8Key, hash);
        return new EventFingerprint(BinaryPrimitives.ReadUInt64LittleEndian(hash), BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]));
    }

    public override int GetHashCode() => (int)Low ^ (int)(Low >> 32);
}
