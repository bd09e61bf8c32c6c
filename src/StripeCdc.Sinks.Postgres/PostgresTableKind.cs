namespace StripeCdc.Sinks.Postgres;

/// <summary>The three shapes of table SPEC §10 names.</summary>
internal enum PostgresTableKind
{
    /// <summary>One row per object, keyed by <c>id</c>.</summary>
    State,

    /// <summary>One row per fan-out child, keyed by (<c>parent_id</c>, <c>id</c>).</summary>
    Child,

    /// <summary>Dead-lettered request bodies, byte for byte.</summary>
    DeadLetter,
}
