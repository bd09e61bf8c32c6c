using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeCdc.Pipeline;
using StripeCdc.Sinks;
using StripeCdc.Sinks.Kafka;

namespace StripeCdc.Flags;

/// <summary>
/// Module switches on a compacted Kafka topic (Kafka Connect keeps its connector configs the same way):
/// one record per switch, keyed by module name, value <c>true</c>/<c>false</c>, a tombstone to remove it.
/// Every service reads the topic at start-up, before it takes traffic, and tails it afterwards, so a
/// switch made on any replica of any service reaches all of them within moments and survives restarts.
/// </summary>
internal sealed partial class KafkaModuleFlagStore : IModuleFlagStore, IHostedService, IDisposable
{
    private readonly ModuleFlagsOptions _options;
    private readonly KafkaClientConfigs _configs;
    private readonly KafkaProducerConnection _connection;
    private readonly ModuleFlagOverrides _overrides;
    private readonly IServiceProvider _services;
    private readonly ILogger<KafkaModuleFlagStore> _logger;
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Thread? _tail;
    private int _disposed;

    public KafkaModuleFlagStore(
        IOptions<ModuleFlagsOptions> options,
        KafkaClientConfigs configs,
        KafkaProducerConnection connection,
        ModuleFlagOverrides overrides,
        IServiceProvider services,
        ILogger<KafkaModuleFlagStore> logger)
    {
        _options = options.Value;
        _configs = configs;
        _connection = connection;
        _overrides = overrides;
        _services = services;
        _logger = logger;
    }

    public async Task SetAsync(string module, bool? enabled, CancellationToken cancellationToken)
    {
        var message = new Message<byte[], byte[]>
        {
            Key = Encoding.UTF8.GetBytes(module),
            Value = enabled is { } on ? Encoding.UTF8.GetBytes(on ? "true" : "false") : null!,
        };
        try
        {
            await _connection.Producer.ProduceAsync(_options.Topic, message, cancellationToken);
        }
        catch (ProduceException<byte[], byte[]> ex)
        {
            throw new SinkException($"The module switch could not be stored in topic '{_options.Topic}': {ex.Error.Reason}.", ex.Error.IsFatal);
        }

        // In force here at once; the other services apply it when their tail reads it.
        _overrides.Set(module, enabled);
        await _services.GetRequiredService<RecordPipeline>().RefreshAsync();
        LogSwitched(module, enabled?.ToString() ?? "configured value");
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var partitions = await Task.Run(EnsureTopic, cancellationToken);
        _tail = new Thread(() => Tail(partitions)) { IsBackground = true, Name = "module-flags-tail" };
        _tail.Start();
        try
        {
            await _loaded.Task.WaitAsync(_options.LoadTimeout, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new InvalidOperationException(
                $"The module switches could not be read from topic '{_options.Topic}' within {_options.LoadTimeout} (StripeCdc:ModuleFlags:LoadTimeout).", ex);
        }

        _overrides.RaiseReload();
        await _services.GetRequiredService<RecordPipeline>().RefreshAsync();
        LogLoaded(_options.Topic, _overrides.Current.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return Task.CompletedTask;
        }

        _stop.Cancel();
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

    private List<TopicPartition> EnsureTopic() =>
        CompactedTopic.Ensure(_configs, _options.Topic, "module switch", "StripeCdc:ModuleFlags:Topic");

    private void Tail(List<TopicPartition> partitions)
    {
        var pendingEof = new HashSet<int>(partitions.Select(p => p.Partition.Value));
        using var consumer = new ConsumerBuilder<byte[], byte[]>(_configs.Consumer("the module switches", config =>
        {
            config.GroupId = "stripecdc-flags-" + Guid.NewGuid().ToString("N");
            config.EnableAutoCommit = false;
            config.EnablePartitionEof = true;
            config.AutoOffsetReset = AutoOffsetReset.Earliest;
        }))
            .SetLogHandler((_, _) => { })
            .Build();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
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

                if (result.Message.Key is { } key)
                {
                    var module = Encoding.UTF8.GetString(key);
                    bool? enabled = result.Message.Value is { } value ? Encoding.UTF8.GetString(value) == "true" : null;

                    // While loading, one reload at the end is enough; afterwards each switch reloads the pipeline.
                    var loaded = _loaded.Task.IsCompleted;
                    _overrides.Set(module, enabled, raiseReload: loaded);
                    if (loaded)
                    {
                        // Rebuilt here too, after the reload has marked the flag definitions stale, rather than
                        // relying on the order in which reload callbacks run.
                        _ = Task.Run(() => _services.GetRequiredService<RecordPipeline>().RefreshAsync());
                    }
                }
            }
            catch (ConsumeException ex)
            {
                LogTailError(ex.Error.Reason);
            }
        }

        consumer.Close();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Module switches: read topic '{Topic}', {Count} switched module(s).")]
    private partial void LogLoaded(string topic, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Module '{Module}' switched for the deployment: {Enabled}.")]
    private partial void LogSwitched(string module, string enabled);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Module switches: reading the topic failed: {Reason}")]
    private partial void LogTailError(string reason);
}
