using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeCdc.Records;
using StripeCdc.Telemetry;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// Group commit: writers take every event queued (up to <see cref="PostgresSinkOptions.MaxEventsPerCommit"/>),
/// write them in one transaction as a few set-based statements (<see cref="PostgresGroupWrite"/>), commit,
/// and only then complete each event's write. When Postgres refuses a value (or the transaction meets a
/// conflict), the group is run again one statement per event (<see cref="PostgresEventStatement"/>): there
/// the refused event fails alone (→ DLQ) and the rest is run again; any other failure fails the group
/// (→ 503, Stripe retries). Each writer owns the objects whose id hashes to it, like a Kafka partition: two
/// transactions in flight never wait for each other's row locks (nor deadlock), and one object's events are
/// applied in arrival order. A tie the sink wrote is reported to <see cref="TieRevalidationQueue"/>, whose
/// consumer re-reads the object; the event's write does not wait for that.
/// </summary>
internal sealed partial class PostgresGroupCommit : IDisposable
{
    private const int MaxAttempts = 5;

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresSchema _schema;
    private readonly PostgresSinkOptions _options;
    private readonly PostgresSinkMetrics _metrics;
    private readonly StripeCdcMetrics _recordMetrics;
    private readonly TieRevalidationQueue _ties;
    private readonly ILogger<PostgresGroupCommit> _logger;
    private readonly Channel<PendingEvent>[] _queues;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _writers;

    public PostgresGroupCommit(
        NpgsqlDataSource dataSource,
        PostgresSchema schema,
        IOptions<PostgresSinkOptions> options,
        PostgresSinkMetrics metrics,
        StripeCdcMetrics recordMetrics,
        TieRevalidationQueue ties,
        ILogger<PostgresGroupCommit> logger)
    {
        _dataSource = dataSource;
        _schema = schema;
        _options = options.Value;
        _metrics = metrics;
        _recordMetrics = recordMetrics;
        _ties = ties;
        _logger = logger;
        _queues = [.. Enumerable.Range(0, Math.Max(1, _options.Writers)).Select(_ => Channel.CreateUnbounded<PendingEvent>(new UnboundedChannelOptions { SingleReader = true }))];
        _writers = [.. _queues.Select(queue => Task.Run(() => RunAsync(queue.Reader)))];
    }

    /// <summary>Queues one event's records; completes once they are committed, or throws <see cref="SinkException"/>.</summary>
    public Task<SinkWriteResult> WriteAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        var pending = new PendingEvent(records, cancellationToken);
        if (!_queues[Partition(records)].Writer.TryWrite(pending))
        {
            throw new SinkException("The Postgres sink is shut down.", isPermanent: false);
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Lets the writers commit what is queued (up to 10 s), then stops them.</summary>
    public void Dispose()
    {
        foreach (var queue in _queues)
        {
            queue.Writer.TryComplete();
        }

        if (!Task.WaitAll(_writers, TimeSpan.FromSeconds(10)))
        {
            _stop.Cancel();
            Task.WaitAll(_writers, TimeSpan.FromSeconds(5));
        }

        _stop.Dispose();
    }

    /// <summary>The writer of the event's object: a hash of its parent record's key (records without one: any writer).</summary>
    private int Partition(IReadOnlyList<OutgoingRecord> records)
    {
        if (_queues.Length == 1)
        {
            return 0;
        }

        foreach (var record in records)
        {
            if (record.Role == RecordRole.Parent && record.Key is { } key)
            {
                var hash = default(HashCode);
                hash.Add(record.Topic, StringComparer.Ordinal);
                hash.AddBytes(key);
                return (int)((uint)hash.ToHashCode() % (uint)_queues.Length);
            }
        }

        return Environment.CurrentManagedThreadId % _queues.Length;
    }

    private async Task RunAsync(ChannelReader<PendingEvent> reader)
    {
        var group = new List<PendingEvent>(_options.MaxEventsPerCommit);
        while (await reader.WaitToReadAsync())
        {
            Drain(reader, group);
            if (group.Count < _options.MaxEventsPerCommit && _options.GroupCommitDelay > TimeSpan.Zero)
            {
                await Task.Delay(_options.GroupCommitDelay);
                Drain(reader, group);
            }

            // Events whose caller has given up (deadline passed, answered 503) are not written: Stripe resends them.
            group.RemoveAll(e => e.Cancelled());
            if (group.Count > 0)
            {
                await CommitAsync(group);
            }

            group.Clear();
        }
    }

    private void Drain(ChannelReader<PendingEvent> reader, List<PendingEvent> group)
    {
        while (group.Count < _options.MaxEventsPerCommit && reader.TryRead(out var pending))
        {
            group.Add(pending);
        }
    }

    private async Task CommitAsync(List<PendingEvent> group)
    {
        var remaining = new List<PendingEvent>(group.Count);
        foreach (var pending in group)
        {
            if (pending.Parse())
            {
                remaining.Add(pending);
            }
        }

        if (remaining.Count == 0)
        {
            return;
        }

        try
        {
            await CommitGroupAsync(remaining);
            return;
        }
        catch (PostgresException ex) when (PostgresErrors.IsPermanent(ex) || PostgresErrors.IsRetryable(ex))
        {
            // Which event Postgres refused (or whether a conflict passes) is for the per-event path to find out.
            LogFallback(remaining.Count, ex.SqlState);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            FailAll(remaining, ex);
            return;
        }

        await CommitPerEventAsync(remaining);
    }

    /// <summary>The group as set-based statements (<see cref="PostgresGroupWrite"/>) in one transaction.</summary>
    private async Task CommitGroupAsync(List<PendingEvent> events)
    {
        await _schema.EnsureAsync(TablesOf(events), _stop.Token);
        await using var connection = await _dataSource.OpenConnectionAsync(_stop.Token);
        await using var transaction = await connection.BeginTransactionAsync(_stop.Token);
        var results = await PostgresGroupWrite.RunAsync(connection, transaction, _schema, [.. events.Select(e => e.Rows!)], _stop.Token);
        await transaction.CommitAsync(_stop.Token);
        Completed(events, results);
    }

    /// <summary>
    /// One statement per event in one batch: slower, but when Postgres refuses one event's data, the
    /// transaction is rolled back, that event fails alone (→ DLQ) and the rest is run again.
    /// </summary>
    private async Task CommitPerEventAsync(List<PendingEvent> group)
    {
        var remaining = new List<PendingEvent>(group);
        for (var attempt = 1; remaining.Count > 0; attempt++)
        {
            try
            {
                await CommitOnceAsync(remaining);
                return;
            }
            catch (EventRefusedException refused) when (PostgresErrors.IsPermanent(refused.Error))
            {
                var ex = refused.Error;
                remaining[refused.Index].Fail(new SinkException(PostgresErrors.Describe(ex), isPermanent: true, ex));
                remaining.RemoveAt(refused.Index);
            }
            catch (EventRefusedException refused) when (PostgresErrors.IsRetryable(refused.Error) && attempt < MaxAttempts)
            {
                LogRetry(refused.Error.SqlState, attempt);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                FailAll(remaining, ex is EventRefusedException refused ? refused.Error : ex);
                return;
            }
        }
    }

    private static Dictionary<string, PostgresTableKind> TablesOf(List<PendingEvent> events)
    {
        var tables = new Dictionary<string, PostgresTableKind>(StringComparer.Ordinal);
        foreach (var pending in events)
        {
            foreach (var record in pending.Records)
            {
                tables.TryAdd(record.Topic, PostgresEventStatement.KindOf(record));
            }
        }

        return tables;
    }

    private void Completed(List<PendingEvent> events, EventResult[] results)
    {
        _metrics.Committed(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            Report(events[i], results[i]);
            events[i].Completion.TrySetResult(WriteResult(events[i], results[i]));
        }
    }

    private async Task CommitOnceAsync(List<PendingEvent> events)
    {
        await _schema.EnsureAsync(TablesOf(events), _stop.Token);
        await using var connection = await _dataSource.OpenConnectionAsync(_stop.Token);
        await using var transaction = await connection.BeginTransactionAsync(_stop.Token);
        var results = new EventResult[events.Count];
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            // A command belongs to one batch, so each attempt builds them anew.
            foreach (var pending in events)
            {
                batch.BatchCommands.Add(PostgresEventStatement.Build(_schema, pending.Rows!));
            }

            // Results come back in order, so the statement being read when an error surfaces is the one that failed.
            var i = 0;
            try
            {
                await using var reader = await batch.ExecuteReaderAsync(_stop.Token);
                for (; i < events.Count; i++)
                {
                    if (i > 0)
                    {
                        await reader.NextResultAsync(_stop.Token);
                    }

                    await reader.ReadAsync(_stop.Token);
                    results[i] = PostgresEventStatement.Read(reader, events[i].Origin, events[i].Parents);
                }
            }
            catch (PostgresException ex)
            {
                throw new EventRefusedException(Math.Min(i, events.Count - 1), ex);
            }
        }

        await transaction.CommitAsync(_stop.Token);
        Completed(events, results);
    }

    /// <summary>The event's answer: a DLQ record or a snapshot read has no ledger row, every other event commits with its own.</summary>
    private static SinkWriteResult WriteResult(PendingEvent pending, EventResult result) =>
        result.Duplicate ? SinkWriteResult.Duplicate
        : pending.Rows!.IsDeadLetter || pending.Origin.IsSnapshot ? SinkWriteResult.Written
        : SinkWriteResult.Committed;

    private void Report(PendingEvent pending, EventResult result)
    {
        if (result.Duplicate)
        {
            return;
        }

        foreach (var record in pending.Records)
        {
            _recordMetrics.RecordProduced(record.Topic);
        }

        for (var i = 0; i < result.Parents.Length; i++)
        {
            var parent = pending.Parents![i];
            switch (result.Parents[i])
            {
                case ParentOutcome.Stale:
                    _metrics.Row(parent.Topic, OutcomeNames.Stale);
                    break;
                case ParentOutcome.Tie when TiedObject.IsRevalidation(pending.Origin):
                    _metrics.Row(parent.Topic, OutcomeNames.Applied);
                    break;
                case ParentOutcome.Tie when _ties.Enabled:
                    _metrics.Row(parent.Topic, OutcomeNames.Applied);
                    if (!_ties.TryReport(new TiedObject(pending.Origin, parent)))
                    {
                        _metrics.Row(parent.Topic, OutcomeNames.Tie);
                    }

                    break;
                case ParentOutcome.Tie:
                    _metrics.Row(parent.Topic, OutcomeNames.Applied);
                    _metrics.Row(parent.Topic, OutcomeNames.Tie);
                    break;
                default:
                    _metrics.Row(parent.Topic, OutcomeNames.Applied);
                    break;
            }
        }
    }

    private void FailAll(List<PendingEvent> events, Exception ex)
    {
        var reason = ex is PostgresException pg ? $"{pg.MessageText} (SQLSTATE {pg.SqlState})" : ex.Message;
        LogCommitFailed(events.Count, reason);
        foreach (var pending in events)
        {
            pending.Fail(new SinkException($"The Postgres sink could not commit: {reason}", isPermanent: false, ex));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Postgres sink: a commit of {Count} events failed: {Reason}")]
    private partial void LogCommitFailed(int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Postgres sink: the set-based write of {Count} events failed ({SqlState}); writing them one statement per event.")]
    private partial void LogFallback(int count, string sqlState);

    [LoggerMessage(Level = LogLevel.Information, Message = "Postgres sink: transaction conflict {SqlState}, attempt {Attempt}; running it again.")]
    private partial void LogRetry(string sqlState, int attempt);

    /// <summary>The statement of the event at <see cref="Index"/> failed, and with it the transaction.</summary>
    private sealed class EventRefusedException(int index, PostgresException error) : Exception(error.Message, error)
    {
        public int Index { get; } = index;

        public PostgresException Error { get; } = error;
    }

    /// <summary>One event waiting for a commit.</summary>
    private sealed class PendingEvent(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        public IReadOnlyList<OutgoingRecord> Records { get; } = records;

        public TaskCompletionSource<SinkWriteResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The event as rows, read once by <see cref="Parse"/>; both write paths use them.</summary>
        public PostgresEventRows? Rows { get; private set; }

        public RecordOrigin Origin => Rows!.Origin;

        public List<ParentRow> Parents => Rows!.Parents;

        public bool Cancelled()
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            Completion.TrySetCanceled(cancellationToken);
            return true;
        }

        /// <summary>Reads the event as rows; an event that cannot become rows fails alone.</summary>
        public bool Parse()
        {
            try
            {
                Rows = PostgresEventRows.From(Records);
                return true;
            }
            catch (ArgumentException ex)
            {
                Fail(new SinkException($"The event cannot be written to Postgres: {ex.Message}", isPermanent: true, ex));
                return false;
            }
        }

        public void Fail(Exception ex) => Completion.TrySetException(ex);
    }
}
