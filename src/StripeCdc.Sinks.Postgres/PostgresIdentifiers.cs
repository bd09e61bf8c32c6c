namespace StripeCdc.Sinks.Postgres;

/// <summary>Quotes schema and table names: topics may hold dots (<c>TopicPrefix=stripe.</c>) or capitals.</summary>
internal static class PostgresIdentifiers
{
    public const string LedgerTable = "event_ledger";

    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Qualified(string schema, string table) => Quote(schema) + "." + Quote(table);
}
