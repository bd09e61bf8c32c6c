namespace StripeCdc.Sinks.Postgres;

/// <summary>Table names made from topics, and quoting for the schema name an operator chose.</summary>
internal static class PostgresIdentifiers
{
    public const string LedgerTable = "event_ledger";

    public const string ConnectAccountTable = "connect_account";

    /// <summary>
    /// The table of a topic (SPEC §10): lowercased, every character outside <c>[a-z0-9_]</c> made <c>_</c>
    /// (<c>o.checkout.session</c> → <c>o_checkout_session</c>), so no query needs quoted identifiers.
    /// </summary>
    public static string TableName(string topic) =>
        string.Create(topic.Length, topic, static (name, topic) =>
        {
            for (var i = 0; i < topic.Length; i++)
            {
                var c = char.ToLowerInvariant(topic[i]);
                name[i] = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' ? c : '_';
            }
        });

    /// <summary>Whether a name is a plain identifier: <c>[a-z_][a-z0-9_]*</c>, at most 63 characters.</summary>
    public static bool IsPlain(string name) =>
        name.Length is > 0 and <= 63 && name[0] is (>= 'a' and <= 'z') or '_' && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');

    /// <summary>An SQL string literal.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Qualified(string schema, string table) => Quote(schema) + "." + Quote(table);
}
