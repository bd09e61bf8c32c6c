using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeCdc.Sinks;
using StripeCdc.Sinks.Kafka;

namespace StripeCdc.Ledger;

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
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly KafkaProducerConnection _connection;
    private Thread? _tail;
    private int _disposed;
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
    }

    /// <summary>Ids currently remembered (for tests and diagnostics).</summary>
    public int Count => _window.Count;

    /// <summary>Records read before <see cref="Loaded"/> completed: the window, not the whole topic.</summary>
    public long LoadedRecords => Interlocked.Read(ref _loadedRecords);

    /// <summary>Completes once the topic has been read up to where it stood at start-up.</summary>
    public Task Loaded => _loaded.Task;

    public async ValueTask<bool> IsCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default)
    {
        if (!_loaded.Task.IsCompleted)
        {
            await _loaded.Task.WaitAsync(cancellationToken);
        }

        return _window.Contains(Key(source, eventId), NowMs());
    }

    public async ValueTask MarkCommittedAsync(string source, string eventId, CancellationToken cancellationToken = default)
    {
        var key = Key(source, eventId);
        var now = NowMs();

        // The records are acknowledged already, so the event is committed whatever the ledger write does.
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
        var partitions = await EnsureTopicAsync(cancellationToken);
        _tail = new Thread(() => Tail(partitions)) { IsBackground = true, Name = "event-ledger-tail" };
        _tail.Start();
        try
        {
            await _loaded.Task.WaitAsync(_options.LoadTimeout, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new InvalidOperationException(
                $"The event ledger could not read topic '{_options.Topic}' within {_options.LoadTimeout} (StripeCdc:Ledger:LoadTimeout).", ex);
        }

        LogLoaded(_options.Topic, _window.Count, LoadedRecords, (long)started.Elapsed.TotalMilliseconds, (long)_windowSearch.TotalMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return Task.CompletedTask;
        }

        _stop.Cancel();
        try
        {
            _connection.Producer.Flush(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Shutdown ran out of time; commits still queued are lost like any unwritten commit (at-least-once).
        }

        _tail?.Join(TimeSpan.FromSeconds(5));
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        // Registered under several service types, so the container may dispose it more than once.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stop.Cancel();
        _tail?.Join(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    internal static string Key(string source, string eventId) => string.Concat(source, "/", eventId);

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

    private void Tail(List<TopicPartition> partitions)
    {
        var pendingEof = new HashSet<int>(partitions.Select(p => p.Partition.Value));
        using var consumer = new ConsumerBuilder<byte[], byte[]>(_configs.Consumer("the event ledger", config =>
        {
            config.GroupId = "stripecdc-ledger-" + Guid.NewGuid().ToString("N");
            config.EnableAutoCommit = false;
            config.EnablePartitionEof = true;
            config.AutoOffsetReset = AutoOffsetReset.Earliest;

            // Under load most of what this reads is our own commits: fetch them in bunches rather than
            // one round trip per commit; another process's commit is still visible within a quarter second.
            config.FetchMinBytes = 64 * 1024;
            config.FetchWaitMaxMs = 250;
        }))
            .SetLogHandler((_, _) => { })
            .Build();
        List<TopicPartitionOffset> start;
        try
        {
            var searching = System.Diagnostics.Stopwatch.StartNew();
            start = new LedgerWindowStart(_configs, _options.Window).Find(partitions, NowMs());
            _windowSearch = searching.Elapsed;
        }
        catch (Exception ex) when (ex is KafkaException or InvalidOperationException)
        {
            LogTailError(ex.Message);
            start = [.. partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning))];
        }

        consumer.Assign(start);
        if (pendingEof.Count == 0)
        {
            _loaded.TrySetResult();
        }

        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result is null)
                {
                    continue;
                }

                if (result.IsPartitionEOF)
                {
                    if (pendingEof.Remove(result.Partition.Value) && pendingEof.Count == 0)
                    {
                        _loaded.TrySetResult();
                    }

                    continue;
                }

                if (!_loaded.Task.IsCompleted)
                {
                    Interlocked.Increment(ref _loadedRecords);
                }

                Apply(result.Message);
            }
            catch (ConsumeException ex)
            {
                LogTailError(ex.Error.Reason);
            }
        }

        consumer.Close();
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
