using StripeCdc.AppHost.Dashboard.Traces;

namespace StripeCdc.AppHost.Dashboard.Otlp;

/// <summary>
/// Decodes an OTLP <c>ExportTraceServiceRequest</c> (opentelemetry/proto/collector/trace/v1) into spans.
/// Field numbers follow the published .proto files: ResourceSpans{resource=1, scope_spans=2},
/// ScopeSpans{scope=1, spans=2}, Span{trace_id=1, span_id=2, parent_span_id=4, name=5, kind=6,
/// start=7, end=8, attributes=9, status=15}, KeyValue{key=1, value=2}, Status{code=3}.
/// </summary>
internal static class OtlpTraceDecoder
{
    private static readonly string[] Kinds = ["Unspecified", "Internal", "Server", "Client", "Producer", "Consumer"];

    public static List<SpanData> Decode(ReadOnlySpan<byte> request)
    {
        var spans = new List<SpanData>();
        var reader = new ProtoReader(request);
        while (reader.Next())
        {
            if (reader.FieldNumber == 1 && reader.WireType == 2)
            {
                ReadResourceSpans(reader.ReadBytes(), spans);
            }
            else
            {
                reader.Skip();
            }
        }

        return spans;
    }

    private static void ReadResourceSpans(ReadOnlySpan<byte> message, List<SpanData> spans)
    {
        var service = "unknown";
        var reader = new ProtoReader(message);
        var scopeSpans = new List<byte[]>();
        while (reader.Next())
        {
            switch (reader.FieldNumber)
            {
                case 1 when reader.WireType == 2:
                    var resource = ReadAttributes(reader.ReadBytes(), attributesField: 1);
                    service = resource.GetValueOrDefault("service.name", service);
                    break;
                case 2 when reader.WireType == 2:
                    scopeSpans.Add(reader.ReadBytes().ToArray());
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        foreach (var scope in scopeSpans)
        {
            ReadScopeSpans(scope, service, spans);
        }
    }

    private static void ReadScopeSpans(ReadOnlySpan<byte> message, string service, List<SpanData> spans)
    {
        var scopeName = "";
        var reader = new ProtoReader(message);
        while (reader.Next())
        {
            switch (reader.FieldNumber)
            {
                case 1 when reader.WireType == 2:
                    scopeName = ReadScopeName(reader.ReadBytes());
                    break;
                case 2 when reader.WireType == 2:
                    spans.Add(ReadSpan(reader.ReadBytes(), service, scopeName));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
    }

    private static string ReadScopeName(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoReader(message);
        while (reader.Next())
        {
            if (reader.FieldNumber == 1 && reader.WireType == 2)
            {
                return reader.ReadString();
            }

            reader.Skip();
        }

        return "";
    }

    private static SpanData ReadSpan(ReadOnlySpan<byte> message, string service, string scope)
    {
        string traceId = "", spanId = "", name = "";
        string? parent = null;
        var kind = 0;
        ulong start = 0, end = 0;
        var isError = false;
        IReadOnlyDictionary<string, string> attributes = new Dictionary<string, string>();
        var attributeMessages = new List<byte[]>();
        var reader = new ProtoReader(message);
        while (reader.Next())
        {
            switch (reader.FieldNumber)
            {
                case 1 when reader.WireType == 2:
                    traceId = Convert.ToHexStringLower(reader.ReadBytes());
                    break;
                case 2 when reader.WireType == 2:
                    spanId = Convert.ToHexStringLower(reader.ReadBytes());
                    break;
                case 4 when reader.WireType == 2:
                    var bytes = reader.ReadBytes();
                    parent = bytes.IsEmpty ? null : Convert.ToHexStringLower(bytes);
                    break;
                case 5 when reader.WireType == 2:
                    name = reader.ReadString();
                    break;
                case 6 when reader.WireType == 0:
                    kind = (int)reader.ReadVarint();
                    break;
                case 7 when reader.WireType == 1:
                    start = reader.ReadFixed64();
                    break;
                case 8 when reader.WireType == 1:
                    end = reader.ReadFixed64();
                    break;
                case 9 when reader.WireType == 2:
                    attributeMessages.Add(reader.ReadBytes().ToArray());
                    break;
                case 15 when reader.WireType == 2:
                    isError = ReadStatusCode(reader.ReadBytes()) == 2;
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (attributeMessages.Count > 0)
        {
            var collected = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var keyValue in attributeMessages)
            {
                var (key, value) = ReadKeyValue(keyValue);
                collected[key] = value;
            }

            attributes = collected;
        }

        return new SpanData(
            traceId,
            spanId,
            parent,
            name,
            kind < Kinds.Length ? Kinds[kind] : "Unspecified",
            service,
            scope,
            FromUnixNanos(start),
            FromUnixNanos(end),
            isError,
            attributes);
    }

    private static Dictionary<string, string> ReadAttributes(ReadOnlySpan<byte> message, int attributesField)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new ProtoReader(message);
        while (reader.Next())
        {
            if (reader.FieldNumber == attributesField && reader.WireType == 2)
            {
                var (key, value) = ReadKeyValue(reader.ReadBytes());
                attributes[key] = value;
            }
            else
            {
                reader.Skip();
            }
        }

        return attributes;
    }

    private static (string Key, string Value) ReadKeyValue(ReadOnlySpan<byte> message)
    {
        string key = "", value = "";
        var reader = new ProtoReader(message);
        while (reader.Next())
        {
            switch (reader.FieldNumber)
            {
                case 1 when reader.WireType == 2:
                    key = reader.ReadString();
                    break;
                case 2 when reader.WireType == 2:
                    value = ReadAnyValue(reader.ReadBytes());
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return (key, value);
    }

    /// <summary>AnyValue{string=1, bool=2, int=3, double=4, array=5, kvlist=6, bytes=7}, rendered as text.</summary>
    private static string ReadAnyValue(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoReader(message);
        while (reader.Next())
        {
            switch (reader.FieldNumber)
            {
                case 1 when reader.WireType == 2:
                    return reader.ReadString();
                case 2 when reader.WireType == 0:
                    return reader.ReadVarint() != 0 ? "true" : "false";
                case 3 when reader.WireType == 0:
                    return ((long)reader.ReadVarint()).ToString(System.Globalization.CultureInfo.InvariantCulture);
                case 4 when reader.WireType == 1:
                    return BitConverter.UInt64BitsToDouble(reader.ReadFixed64()).ToString(System.Globalization.CultureInfo.InvariantCulture);
                default:
                    reader.Skip();
                    break;
            }
        }

        return "";
    }

    private static int ReadStatusCode(ReadOnlySpan<byte> message)
    {
        var reader = new ProtoReader(message);
        while (reader.Next())
        {
            if (reader.FieldNumber == 3 && reader.WireType == 0)
            {
                return (int)reader.ReadVarint();
            }

            reader.Skip();
        }

        return 0;
    }

    private static DateTimeOffset FromUnixNanos(ulong nanos) => DateTimeOffset.UnixEpoch.AddTicks((long)(nanos / 100));
}
