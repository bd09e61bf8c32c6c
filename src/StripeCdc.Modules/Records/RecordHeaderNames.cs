namespace StripeCdc.Records;

/// <summary>Header names written on records (SPEC §3 and §5).</summary>
public static class RecordHeaderNames
{
    public const string Op = "__op";
    public const string DeadLetterReason = "__dlq_reason";
    public const string DeadLetterError = "__dlq_error";
    public const string DeadLetterSource = "__dlq_source";
    public const string DeadLetterReceivedAt = "__dlq_received_at";

    /// <summary>On a Connect source's DLQ record: the connected account whose event it is (SPEC §12).</summary>
    public const string DeadLetterAccount = "__dlq_account";
    public const string StripeSignature = "__stripe_signature";

    private static readonly byte[][] OpValues = ["c"u8.ToArray(), "u"u8.ToArray(), "d"u8.ToArray(), "r"u8.ToArray()];

    /// <summary>The cached bytes of an <c>__op</c> value.</summary>
    public static byte[] OpValue(char op) => op switch
    {
        'c' => OpValues[0],
        'u' => OpValues[1],
        'd' => OpValues[2],
        'r' => OpValues[3],
        _ => [(byte)op],
    };
}
