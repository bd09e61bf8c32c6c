using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeCdc.Hosting;
using StripeCdc.Ledger;
using StripeCdc.Sinks;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// The event ledger on a compacted Kafka topic: a commit is one record keyed <c>source/event id</c>
/// with the commit time (Unix ms) as value. The ids of the window are kept in memory, read back from
/// the topic at start-up and kept fresh by tailing it, so commits made by another process (the
/// snapshot worker, another ingest replica) become visible within moments.
/// </summary>
internal sealed partial class KafkaEventLedger : IEventLedger, IHostedService, IDisposable
{
    private readonly EventLedgerOptions _options;
    private readonly KafkaClientConfigs _configs;
    private readonly KafkaTopicCreator _topics;
    private readonly TimeProvider _time;
    private readonly ILogger<KafkaEventLedger> _logger;
    private readonly EventLedgerWindow _window;
    private readonly KafkaProducerConnection _connection;
    private readonly TopicFollower _follower;
    private List<TopicPartition> _partitions = [];
    private int _stopped;
    private long _loadedRecords;
    private TimeSpan _windowSearch;

    public KafkaEventLedger(
        IOptions<EventLedgerOptions> options,
        KafkaClientConfigs configs,
        KafkaTopicCreator topics,
        KafkaProducerConnection connection,
        TimeProvider time,
        ILogger<KafkaEventLedger> logger)
    {
        _options = options.Value;
        _configs = configs;
        _topics = topics;
        _time = time;
        _logger = logger;
        _window = new EventLedgerWindow(_options.Window, _options.MaxEntries);
        _connection = connection;

        // Under load most of what the follower reads is our own commits: fetch them in bunches rather than
        // one round trip per commit; another process's commit is still visible within a quarter second.
        _follower = new TopicFollower(
            "event-ledger-tail",
            TopicFollower.Consumer(configs, "the event ledger", "stripecdc-ledger-", config =>
            {
                config.FetchMinBytes = 64 * 1024;
                config.FetchWaitMaxMs = 250;
            }),
            WindowStart,
            OnRecord,
            LogTailError,
            TimeSpan.FromMilliseconds(200));
    }

    /// <summary>Ids currently remembered (for tests and diagnostics).</summary>
    public int Count => _window.Count;

    /// <summary>Records read before <see cref="Loaded"/> completed: the window, not the whole topic.</summary>
    public long LoadedRecords => Interlocked.Read(ref _loadedRecords);

    /// <summary>Completes once the topic has been read up to where it stood at start-up.</summary>
    public Task Loaded => _follower.Loaded;

    public ValueTask<bool> IsCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default) =>
        ContainsAsync(Key(source, eventId), cancellationToken);

    public ValueTask MarkCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default) =>
        AddAsync(Key(source, eventId), cancellationToken);

    public ValueTask<bool> IsDeadLetteredAsync(string source, string eventId, CancellationToken cancellationToken = default) =>
        ContainsAsync(DeadLetterKey(source, eventId), cancellationToken);

    public ValueTask MarkDeadLetteredAsync(string source, string eventId, CancellationToken cancellationToken = default) =>
        AddAsync(DeadLetterKey(source, eventId), cancellationToken);

    private async ValueTask<bool> ContainsAsync(string key, CancellationToken cancellationToken)
    {
        if (!_follower.IsLoaded)
        {
            await _follower.Loaded.WaitAsync(cancellationToken);
        }

        return _window.Contains(key, NowMs());
    }

    private async ValueTask AddAsync(string key, CancellationToken cancellationToken)
    {
        var now = NowMs();

        // What the mark records has happened already (records or DLQ record acknowledged), whatever the ledger write does.
        _window.Add(key, now, now);
        var message = new Message<byte[], byte[]>
        {
            Key = Encoding.UTF8.GetBytes(key),
            Value = Encoding.UTF8.GetBytes(now.ToString(CultureInfo.InvariantCulture)),
        };
        var delivery = new DeliveryCompletion(1);
        delivery.CancelOn(cancellationToken);
        try
        {
            _connection.Producer.Produce(_options.Topic, message, report =>
            {
                if (report.Error.IsError)
                {
                    delivery.Fail(new SinkException($"The event ledger commit was not acknowledged: {report.Error.Reason} ({report.Error.Code})."));
                }
                else
                {
                    delivery.Delivered();
                }
            });
        }
        catch (Exception ex)
        {
            // Not handed to the producer (queue full, shut down): end the wait and its cancellation registration.
            delivery.Fail(ex);
            throw;
        }

        delivery.AllProduced();
        await delivery.Task;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        _partitions = await EnsureTopicAsync(cancellationToken);
        _follower.Start();
        try
        {
            await _follower.Loaded.WaitAsync(_options.LoadTimeout, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new StartupException(
                $"The event ledger could not read topic '{_options.Topic}' within {_options.LoadTimeout} (StripeCdc:Ledger:LoadTimeout): check that the cluster (ConnectionStrings:kafka) answers, or raise the timeout.", ex);
        }

        LogLoaded(_options.Topic, _window.Count, LoadedRecords, (long)started.Elapsed.TotalMilliseconds, (long)_windowSearch.TotalMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return Task.CompletedTask;
        }

        try
        {
            _connection.Producer.Flush(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutdown ran out of time; commits still queued are lost like any unwritten commit (at-least-once).
        }

        _follower.Dispose();
        return Task.CompletedTask;
    }

    // Registered under several service types, so the container may dispose it more than once; the follower minds that.
    public void Dispose() => _follower.Dispose();

    internal static string Key(string source, string eventId) => string.Concat(source, "/", eventId);

    /// <summary>
    /// A dead-letter mark's key: beside the commits in the same compacted topic, under its own key so that
    /// neither replaces the other (Stripe event ids never contain ':'). Marks written before this member
    /// existed used the same key, so a deployment's topic is read as it is.
    /// </summary>
    internal static string DeadLetterKey(string source, string eventId) => string.Concat(source, "/dlq:", eventId);

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// The topic's configs when the ledger creates it: compacted (one record per id) and deleted after
    /// the window plus a day, so it stays bounded whatever the event rate.
    /// </summary>
    internal static Dictionary<string, string> TopicConfig(EventLedgerOptions options) => new()
    {
        ["cleanup.policy"] = "compact,delete",
        ["retention.ms"] = ((long)(options.Window + TimeSpan.FromDays(1)).TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
    };

    private async Task<List<TopicPartition>> EnsureTopicAsync(CancellationToken cancellationToken)
    {
        var topics = await _topics.EnsureAsync(
            [new KafkaTopicRequest(_options.Topic, $"{EventLedgerOptions.SectionName}:{nameof(EventLedgerOptions.Topic)}", TopicConfig(_options))],
            cancellationToken);
        return [.. topics[_options.Topic].Select(p => new TopicPartition(_options.Topic, p))];
    }

    /// <summary>Where the window begins in each partition (records older than the window are not read).</summary>
    private IReadOnlyList<TopicPartitionOffset> WindowStart()
    {
        try
        {
            var searching = System.Diagnostics.Stopwatch.StartNew();
            var start = new LedgerWindowStart(_configs, _options.Window).Find(_partitions, NowMs());
            _windowSearch = searching.Elapsed;
            return start;
        }
        catch (Exception ex) when (ex is KafkaException or InvalidOperationException)
        {
            LogTailError(ex.Message);
            return [.. _partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning))];
        }
    }

    private void OnRecord(ConsumeResult<byte[], byte[]> result)
    {
        if (!_follower.IsLoaded)
        {
            Interlocked.Increment(ref _loadedRecords);
        }

        Apply(result.Message);
    }

    private void Apply(Message<byte[], byte[]> message)
    {
        if (message.Key is null)
        {
            return;
        }

        if (message.Value is null)
        {
            _window.Remove(message.Key);
        }
        else if (System.Buffers.Text.Utf8Parser.TryParse(message.Value, out long at, out var consumed) && consumed == message.Value.Length)
        {
            _window.Add(message.Key, at, NowMs());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event ledger: read topic '{Topic}', {Count} committed ids in the window ({Records} records read in {LoadMs} ms; finding the window's start took {SearchMs} ms of it).")]
    private partial void LogLoaded(string topic, int count, long records, long loadMs, long searchMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event ledger: reading the topic failed: {Reason}")]
    private partial void LogTailError(string reason);
}
