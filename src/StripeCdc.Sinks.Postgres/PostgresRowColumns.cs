namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// The columns the sink itself writes (SPEC §10), in one place: the tables are created from them, and the
/// views of <see cref="PostgresViews"/> select them before the typed columns. A model field of the same name
/// is not repeated as a typed column.
/// </summary>
internal static class PostgresRowColumns
{
    /// <summary>
    /// The connected account a row belongs to (SPEC §12), <c>''</c> for the platform's own objects and on every
    /// source without <c>Connect</c>; it leads every state and child table's key. The one key column a table made
    /// by an older version can lack, so it is added like the others (its default fills the rows there).
    /// </summary>
    public static readonly RowColumn Account = new("account", "text NOT NULL DEFAULT ''", Key: true);

    /// <summary>A state table's: one row per object.</summary>
    public static readonly RowColumn[] State =
    [
        Account,
        new("id", "text", Key: true),
        new("data", "jsonb NOT NULL DEFAULT '{}'"),
        new("event_id", "text NOT NULL DEFAULT ''"),
        new("event_type", "text NOT NULL DEFAULT ''"),
        new("event_created", "timestamptz NOT NULL DEFAULT '-infinity'"),
        new("deleted", "boolean NOT NULL DEFAULT false"),
        new("synced_at", "timestamptz NOT NULL DEFAULT now()"),
    ];

    /// <summary>A fan-out child table's: one row per element of a parent's list.</summary>
    public static readonly RowColumn[] Child =
    [
        Account,
        new("parent_id", "text", Key: true),
        new("id", "text", Key: true),
        new("data", "jsonb NOT NULL DEFAULT '{}'"),
        new("event_id", "text NOT NULL DEFAULT ''"),
        new("event_created", "timestamptz NOT NULL DEFAULT '-infinity'"),
        new("synced_at", "timestamptz NOT NULL DEFAULT now()"),
    ];

    public static RowColumn[] Of(PostgresTableKind kind) => kind == PostgresTableKind.Child ? Child : State;
}

/// <summary>A row column: its name, its type as <c>ADD COLUMN</c> gives it, and whether it is part of the primary key.</summary>
internal sealed record RowColumn(string Name, string Definition, bool Key = false);
