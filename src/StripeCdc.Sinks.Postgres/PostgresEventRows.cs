using StripeCdc.Records;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// One event's records as state-table rows: its parents (in record order, the order of its result), its
/// children with the parent each belongs to, and which child sets are complete lists. Built once per
/// event; a record that cannot be a row (no key, no id) throws <see cref="ArgumentException"/>.
/// </summary>
internal sealed class PostgresEventRows
{
    private PostgresEventRows(IReadOnlyList<OutgoingRecord> records, RecordOrigin origin, bool isDeadLetter)
    {
        Records = records;
        Origin = origin;
        IsDeadLetter = isDeadLetter;
    }

    public IReadOnlyList<OutgoingRecord> Records { get; }

    public RecordOrigin Origin { get; }

    /// <summary>Every record is a dead letter: the event is rows of the DLQ table, not state.</summary>
    public bool IsDeadLetter { get; }

    /// <summary>A deletion (not a cancellation): the row is kept with <c>deleted=true</c>.</summary>
    public bool Deleted => Origin.RemovesObject;

    /// <summary>The connected account every record of the event belongs to (SPEC §12), <c>''</c> for the platform's own.</summary>
    public string Account { get; private set; } = string.Empty;

    public List<ParentRow> Parents { get; } = [];

    /// <summary>The record of each entry of <see cref="Parents"/>.</summary>
    public List<OutgoingRecord> ParentRecords { get; } = [];

    public List<ChildRow> Children { get; } = [];

    /// <summary>The (child topic, parent id) lists that are complete: their stored children not in the list go.</summary>
    public HashSet<(string Topic, string ParentId)> CompleteChildSets { get; } = [];

    public static PostgresEventRows From(IReadOnlyList<OutgoingRecord> records)
    {
        RecordOrigin? origin = null;
        var allDeadLetters = true;
        foreach (var record in records)
        {
            origin ??= record.Origin;
            allDeadLetters &= record.Role == RecordRole.DeadLetter;
        }

        if (allDeadLetters)
        {
            return new PostgresEventRows(records, origin ?? new RecordOrigin(string.Empty, string.Empty, string.Empty, DateTimeOffset.UnixEpoch, IsDelete: false, IsSnapshot: true), isDeadLetter: true);
        }

        var rows = new PostgresEventRows(
            records,
            origin ?? throw new ArgumentException("A record for the Postgres sink needs its origin (the pipeline sets it).", nameof(records)),
            isDeadLetter: false);
        foreach (var record in records)
        {
            if (record.Role == RecordRole.Parent)
            {
                var (account, id, _) = PostgresEventStatement.ReadKey(record.Key);
                rows.Account = account;
                rows.Parents.Add(new ParentRow(record.Topic, account, id));
                rows.ParentRecords.Add(record);
                foreach (var topic in record.CompleteChildTopics ?? [])
                {
                    rows.CompleteChildSets.Add((topic, id));
                }
            }
        }

        foreach (var record in records)
        {
            if (record.Role == RecordRole.Child)
            {
                var (account, parentId, itemId) = PostgresEventStatement.ReadKey(record.Key);
                rows.Account = account;
                rows.Children.Add(new ChildRow(record.Topic, rows.ParentTopicOf(parentId), parentId, itemId ?? string.Empty, record));
            }
        }

        return rows;
    }

    /// <summary>The topic of this event's parent with that id; null when the event does not carry it.</summary>
    public string? ParentTopicOf(string parentId) => Parents.Find(p => p.Id == parentId)?.Topic;
}

/// <summary>A fan-out child: its table's topic, its parent (topic null when the event does not carry the parent) and its id.</summary>
internal readonly record struct ChildRow(string Topic, string? ParentTopic, string ParentId, string Id, OutgoingRecord Record);
