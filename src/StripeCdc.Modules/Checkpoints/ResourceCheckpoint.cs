namespace StripeCdc.Checkpoints;

/// <summary>
/// How far one resource's snapshot got: <see cref="Cursor"/> is the last object id whose page every
/// record was acknowledged for (the next <c>starting_after</c>). Payment methods are walked per
/// customer: <see cref="ParentCursor"/> is the last customer finished, <see cref="Parent"/> the one in
/// progress (whose list <see cref="Cursor"/> is in). <see cref="StartedAt"/> is when the listing began (its first
/// page was asked for), kept across a resume so <c>--prune</c> knows which objects changed since.
/// </summary>
internal sealed record ResourceCheckpoint(
    string RunId,
    string Resource,
    string? Cursor,
    long Objects,
    bool Completed,
    DateTimeOffset UpdatedAt,
    string? ParentCursor = null,
    string? Parent = null,
    DateTimeOffset? StartedAt = null);
