using System.Buffers.Binary;
using System.Text;

namespace StripeCdc.AppHost.Dashboard.Otlp;

/// <summary>
/// A minimal protobuf wire-format reader: enough to walk OTLP messages field by field
/// (varint, fixed64, fixed32 and length-delimited fields). Unknown fields are skipped.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _position;

    public int FieldNumber { get; private set; }

    public int WireType { get; private set; }

    public bool Next()
    {
        if (_position >= _buffer.Length)
        {
            return false;
        }

        var tag = ReadVarint();
        FieldNumber = (int)(tag >> 3);
        WireType = (int)(tag & 7);
        if (FieldNumber == 0)
        {
            throw new FormatException("Invalid protobuf field number 0.");
        }

        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _buffer.Length)
            {
                throw new FormatException("Truncated protobuf varint.");
            }

            var b = _buffer[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new FormatException("Protobuf varint longer than 10 bytes.");
    }

    public ulong ReadFixed64()
    {
        var value = BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes() => Take(checked((int)ReadVarint()));

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    public void Skip()
    {
        switch (WireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                Take(8);
                break;
            case 2:
                ReadBytes();
                break;
            case 5:
                Take(4);
                break;
            default:
                throw new FormatException($"Unsupported protobuf wire type {WireType}.");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _position + count > _buffer.Length)
        {
            throw new FormatException("Truncated protobuf field.");
        }

        var slice = _buffer.Slice(_position, count);
        _position += count;
        return slice;
    }
}
