using Npgsql;

namespace StripeCdc.Sinks.Postgres;

/// <summary>Which database errors the same event would meet again (→ DLQ) and which pass (→ 503, Stripe retries).</summary>
internal static class PostgresErrors
{
    /// <summary>
    /// Class 22 (data exception: a <c>\u0000</c> that <c>jsonb</c> refuses, invalid JSON, a value out of
    /// range) and 54 (program limit: a row or value too large) are about the event itself.
    /// </summary>
    public static bool IsPermanent(PostgresException error) =>
        error.SqlState.StartsWith("22", StringComparison.Ordinal) || error.SqlState.StartsWith("54", StringComparison.Ordinal);

    /// <summary>Serialization failure and deadlock: the whole transaction may simply be run again.</summary>
    public static bool IsRetryable(PostgresException error) => error.SqlState is "40001" or "40P01";

    public static string Describe(PostgresException error) =>
        $"Postgres refused the event: {error.MessageText} (SQLSTATE {error.SqlState}){Hint(error.SqlState)}";

    // Details can quote row values, so they are left out (Npgsql redacts them too); a hint names the usual cause.
    private static string Hint(string sqlState) => sqlState switch
    {
        "22P05" => ": a string in the event holds \\u0000, which jsonb cannot store.",
        "22P02" => ": a value is not valid for its column (invalid JSON?).",
        "54000" => ": a value or row exceeds a Postgres limit.",
        _ => ".",
    };
}
