using Confluent.Kafka;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// Reads a topic from the given offsets to its end — then <see cref="Loaded"/> completes — and follows it
/// afterwards on a thread of its own, handing every record to a callback, until disposed. The module
/// switches, the snapshot checkpoints and the event ledger keep their state this way (Kafka Connect's
/// config and offset topics): state rebuilt from the log at start, kept current by tailing it.
/// </summary>
public sealed class TopicFollower : IDisposable
{
    private readonly Func<IConsumer<byte[], byte[]>> _createConsumer;
    private readonly Func<IReadOnlyList<TopicPartitionOffset>> _start;
    private readonly Action<ConsumeResult<byte[], byte[]>> _onRecord;
    private readonly Action<string> _onError;
    private readonly TimeSpan _poll;
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private int _disposed;

    /// <param name="createConsumer">Builds the consumer (with <c>enable.partition.eof</c>); called on the follower's thread.</param>
    /// <param name="start">Where to begin in each partition; called on the follower's thread, so it may take its time.</param>
    public TopicFollower(
        string threadName,
        Func<IConsumer<byte[], byte[]>> createConsumer,
        Func<IReadOnlyList<TopicPartitionOffset>> start,
        Action<ConsumeResult<byte[], byte[]>> onRecord,
        Action<string> onError,
        TimeSpan poll)
    {
        _createConsumer = createConsumer;
        _start = start;
        _onRecord = onRecord;
        _onError = onError;
        _poll = poll;
        _thread = new Thread(Follow) { IsBackground = true, Name = threadName };
    }

    /// <summary>
    /// A follower's consumer: a group of its own (it assigns partitions itself and commits nothing), from the
    /// earliest offset, reporting each partition's end; <paramref name="configure"/> may tune the rest.
    /// </summary>
    public static Func<IConsumer<byte[], byte[]>> Consumer(KafkaClientConfigs configs, string purpose, string groupPrefix, Action<ConsumerConfig>? configure = null) =>
        () => new ConsumerBuilder<byte[], byte[]>(configs.Consumer(purpose, config =>
        {
            config.GroupId = groupPrefix + Guid.NewGuid().ToString("N");
            config.EnableAutoCommit = false;
            config.EnablePartitionEof = true;
            config.AutoOffsetReset = AutoOffsetReset.Earliest;
            configure?.Invoke(config);
        }))
            .SetLogHandler((_, _) => { })
            .Build();

    /// <summary>Completes once every partition was read to its end as it was at start.</summary>
    public Task Loaded => _loaded.Task;

    public bool IsLoaded => _loaded.Task.IsCompleted;

    public void Start() => _thread.Start();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stop.Cancel();
        if (_thread.IsAlive)
        {
            _thread.Join(TimeSpan.FromSeconds(5));
        }

        _stop.Dispose();
    }

    private void Follow()
    {
        using var consumer = _createConsumer();
        var start = _start();
        var pendingEof = new HashSet<int>(start.Select(p => p.Partition.Value));
        consumer.Assign(start);
        if (pendingEof.Count == 0)
        {
            _loaded.TrySetResult();
        }

        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var result = consumer.Consume(_poll);
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

                _onRecord(result);
            }
            catch (ConsumeException ex)
            {
                _onError(ex.Error.Reason);
            }
        }

        consumer.Close();
    }
}
