using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeCdc.Checkpoints;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// Checkpoints on a compacted Kafka topic, as Kafka Connect keeps source offsets, so any worker of the
/// deployment can resume a snapshot another one left. The topic (one partition is plenty) holds the checkpoints
/// (key <c>checkpoint/&lt;source&gt;/&lt;resource&gt;</c>, value the <see cref="ResourceCheckpoint"/> as JSON) and
/// the leases (key <c>lease/&lt;source&gt;/&lt;resource&gt;</c>, value a <see cref="LeaseClaim"/>) and the connected accounts'
/// reconciliation positions (key <c>reconciliation/&lt;source&gt;/&lt;acct_…&gt;</c>, value a <see cref="ReconciliationPosition"/>). A connected account's
/// keys put <c>&lt;source&gt;/&lt;acct_…&gt;</c> in place of the source (<see cref="CheckpointScope"/>). Every worker
/// reads the topic (first use) and tails it; <see cref="LeaseLog"/> makes them agree on each lease's holder.
/// A holder renews its lease every third of <c>CheckpointLease</c>; a killed worker's lease runs out, and
/// another worker takes the resource over from the last checkpoint.
/// </summary>
internal sealed partial class KafkaCheckpointStore : ICheckpointStore, IReconciliationPositionStore, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan ReadBackTimeout = TimeSpan.FromSeconds(30);

    private readonly KafkaCheckpointOptions _options;
    private readonly KafkaClientConfigs _configs;
    private readonly KafkaProducerConnection _connection;
    private readonly TimeProvider _time;
    private readonly ILogger<KafkaCheckpointStore> _logger;
    private readonly ConcurrentDictionary<string, (string Source, ResourceCheckpoint Checkpoint)> _checkpoints = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ReconciliationPosition> _positions = new(StringComparer.Ordinal);
    private readonly LeaseLog _leases = new();
    private readonly Lock _leaseLock = new();
    private readonly Lazy<Task> _start;
    private readonly ConcurrentDictionary<int, long> _applied = new();
    private TopicFollower? _follower;

    public KafkaCheckpointStore(
        IOptions<KafkaCheckpointOptions> options,
        KafkaClientConfigs configs,
        KafkaProducerConnection connection,
        TimeProvider time,
        ILogger<KafkaCheckpointStore> logger)
    {
        _options = options.Value;
        _configs = configs;
        _connection = connection;
        _time = time;
        _logger = logger;
        _start = new Lazy<Task>(StartAsync);
    }

    /// <summary>This process's name in lease records.</summary>
    public string Owner { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public async ValueTask<ResourceCheckpoint?> LoadAsync(string source, string resource, CancellationToken cancellationToken)
    {
        await _start.Value.WaitAsync(cancellationToken);
        return _checkpoints.TryGetValue(CheckpointKey(source, resource), out var stored) ? stored.Checkpoint : null;
    }

    public async ValueTask SaveAsync(string source, ResourceCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        await _start.Value.WaitAsync(cancellationToken);
        var key = CheckpointKey(source, checkpoint.Resource);
        await ProduceAsync(key, JsonSerializer.SerializeToUtf8Bytes(checkpoint, Json), cancellationToken);
        _checkpoints[key] = (source, checkpoint);
    }

    public IEnumerable<(string Source, ResourceCheckpoint Checkpoint)> LoadAll()
    {
        _start.Value.GetAwaiter().GetResult();
        return [.. _checkpoints.Values];
    }

    public async ValueTask<IReadOnlyList<ReconciliationPosition>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await _start.Value.WaitAsync(cancellationToken);
        return [.. _positions.Values];
    }

    public async ValueTask SaveAsync(ReconciliationPosition position, CancellationToken cancellationToken)
    {
        await _start.Value.WaitAsync(cancellationToken);
        var key = PositionKey(position.Source, position.Account);
        await ProduceAsync(key, JsonSerializer.SerializeToUtf8Bytes(position, Json), cancellationToken);
        _positions[key] = position;
    }

    public async ValueTask<ISnapshotLease> AcquireAsync(string source, string resource, CancellationToken cancellationToken)
    {
        await _start.Value.WaitAsync(cancellationToken);
        var key = LeaseKey(source, resource);
        var ttl = _options.Lease;
        var giveUpAt = _time.GetUtcNow() + (2 * ttl) + TimeSpan.FromSeconds(1);
        while (true)
        {
            var now = _time.GetUtcNow();
            var holder = HolderOf(key);
            if (holder is null || holder.Value.ExpiresAt <= now.ToUnixTimeMilliseconds() || holder.Value.Owner == Owner)
            {
                if (await ClaimAsync(key, cancellationToken))
                {
                    return new KafkaLease(this, key, cancellationToken);
                }

                holder = HolderOf(key);
            }

            if (now >= giveUpAt)
            {
                throw new SnapshotLeaseException($"Another worker ({holder?.Owner}) is running the {resource} snapshot of source '{source}'.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, ttl.TotalMilliseconds / 5)), _time, cancellationToken);
        }
    }

    public void Dispose() => _follower?.Dispose();

    /// <summary>Writes a claim and reads the topic past it: true when this worker holds the lease then.</summary>
    private async Task<bool> ClaimAsync(string key, CancellationToken cancellationToken)
    {
        var claim = new LeaseClaim(Owner, _time.GetUtcNow().ToUnixTimeMilliseconds(), (long)_options.Lease.TotalMilliseconds);
        var written = await ProduceAsync(key, JsonSerializer.SerializeToUtf8Bytes(claim, Json), cancellationToken);
        await ReadPastAsync(written, cancellationToken);
        return HolderOf(key)?.Owner == Owner;
    }

    private async Task ReleaseAsync(string key)
    {
        var release = new LeaseClaim(Owner, _time.GetUtcNow().ToUnixTimeMilliseconds(), 0, Released: true);
        await ProduceAsync(key, JsonSerializer.SerializeToUtf8Bytes(release, Json), CancellationToken.None);
    }

    private (string Owner, long ExpiresAt)? HolderOf(string key)
    {
        lock (_leaseLock)
        {
            return _leases.Holder(key);
        }
    }

    private async Task<TopicPartitionOffset> ProduceAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _connection.Producer.ProduceAsync(
                _options.Topic,
                new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = value },
                cancellationToken);
            return result.TopicPartitionOffset;
        }
        catch (ProduceException<byte[], byte[]> ex)
        {
            throw new InvalidOperationException($"A snapshot checkpoint could not be written to topic '{_options.Topic}': {ex.Error.Reason}.", ex);
        }
    }

    /// <summary>Waits until the tail has applied the record at <paramref name="written"/> (a key's records share one partition, in order).</summary>
    private async Task ReadPastAsync(TopicPartitionOffset written, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + ReadBackTimeout;
        while (_applied.GetValueOrDefault(written.Partition.Value, -1) < written.Offset.Value)
        {
            if (_time.GetUtcNow() > deadline)
            {
                throw new InvalidOperationException($"The checkpoint topic '{_options.Topic}' could not be read back within {ReadBackTimeout}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), _time, cancellationToken);
        }
    }

    private async Task StartAsync()
    {
        var partitions = await Task.Run(EnsureTopic);
        _follower = new TopicFollower(
            "snapshot-checkpoints-tail",
            TopicFollower.Consumer(_configs, "the snapshot checkpoints", "stripecdc-checkpoints-"),
            () => [.. partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning))],
            result =>
            {
                Apply(result.Message);
                _applied[result.Partition.Value] = result.Offset.Value;
            },
            LogTailError,
            TimeSpan.FromMilliseconds(100));
        _follower.Start();
        try
        {
            await _follower.Loaded.WaitAsync(ReadBackTimeout);
        }
        catch (TimeoutException ex)
        {
            throw new InvalidOperationException($"The checkpoint topic '{_options.Topic}' could not be read within {ReadBackTimeout}.", ex);
        }

        LogLoaded(_options.Topic, _checkpoints.Count, _positions.Count);
    }

    private List<TopicPartition> EnsureTopic() =>
        CompactedTopic.Ensure(_configs, _options.Topic, "checkpoint", KafkaCheckpointOptions.TopicKey);

    private void Apply(Message<byte[], byte[]> message)
    {
        if (message.Key is null || message.Value is null)
        {
            return;
        }

        var key = Encoding.UTF8.GetString(message.Key);
        try
        {
            if (key.StartsWith("lease/", StringComparison.Ordinal))
            {
                var claim = JsonSerializer.Deserialize<LeaseClaim>(message.Value, Json)!;
                lock (_leaseLock)
                {
                    _leases.Apply(key, claim);
                }
            }
            else if (key.StartsWith("checkpoint/", StringComparison.Ordinal) && key.LastIndexOf('/') is var slash and > 11)
            {
                // The scope: the source, or <source>/<acct_…> for a connected account's checkpoint.
                var checkpoint = JsonSerializer.Deserialize<ResourceCheckpoint>(message.Value, Json)!;
                _checkpoints[key] = (key[11..slash], checkpoint);
            }
            else if (key.StartsWith("reconciliation/", StringComparison.Ordinal)
                && JsonSerializer.Deserialize<ReconciliationPosition>(message.Value, Json) is { } position)
            {
                _positions[key] = position;
            }
        }
        catch (JsonException)
        {
            LogUnreadable(key);
        }
    }

    private static string CheckpointKey(string source, string resource) => $"checkpoint/{source}/{resource}";

    private static string PositionKey(string source, string account) => $"reconciliation/{source}/{account}";

    private static string LeaseKey(string source, string resource) => $"lease/{source}/{resource}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Snapshot checkpoints: read topic '{Topic}', {Count} checkpoint(s), {Positions} reconciliation position(s).")]
    private partial void LogLoaded(string topic, int count, int positions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot checkpoints: reading the topic failed: {Reason}")]
    private partial void LogTailError(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot checkpoints: the record '{Key}' is not readable and is ignored.")]
    private partial void LogUnreadable(string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Snapshot checkpoints: the lease '{Key}' was taken over by another worker; this worker stops that resource.")]
    private partial void LogLeaseLost(string key);

    /// <summary>A held lease: renewed every third of its time to live, given back on dispose.</summary>
    private sealed class KafkaLease : ISnapshotLease
    {
        private readonly KafkaCheckpointStore _store;
        private readonly string _key;
        private readonly CancellationTokenSource _lost = new();
        private readonly CancellationTokenSource _stop;
        private readonly Task _renewal;

        public KafkaLease(KafkaCheckpointStore store, string key, CancellationToken cancellationToken)
        {
            _store = store;
            _key = key;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _renewal = RenewAsync();
        }

        public CancellationToken Lost => _lost.Token;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _renewal;
            if (!_lost.IsCancellationRequested)
            {
                try
                {
                    await _store.ReleaseAsync(_key);
                }
                catch (InvalidOperationException)
                {
                    // Not given back: it runs out by itself.
                }
            }

            _stop.Dispose();
            _lost.Dispose();
        }

        private async Task RenewAsync()
        {
            var every = _store._options.Lease / 3;
            try
            {
                while (true)
                {
                    await Task.Delay(every, _store._time, _stop.Token);
                    if (!await _store.ClaimAsync(_key, _stop.Token))
                    {
                        _store.LogLeaseLost(_key);
                        await _lost.CancelAsync();
                        return;
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            catch (InvalidOperationException)
            {
                // Kafka unreachable: stop rather than risk running beside a worker that took over.
                await _lost.CancelAsync();
            }
        }
    }
}
