using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeCdc.Flags;
using StripeCdc.Hosting;
using StripeCdc.Pipeline;

namespace StripeCdc.Sinks.Kafka;

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
    private TopicFollower? _follower;

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
        _follower = new TopicFollower(
            "module-flags-tail",
            TopicFollower.Consumer(_configs, "the module switches", "stripecdc-flags-"),
            () => [.. partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning))],
            Apply,
            LogTailError,
            TimeSpan.FromMilliseconds(200));
        _follower.Start();
        try
        {
            await _follower.Loaded.WaitAsync(_options.LoadTimeout, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new StartupException(
                $"The module switches could not be read from topic '{_options.Topic}' within {_options.LoadTimeout} (StripeCdc:ModuleFlags:LoadTimeout): check that the cluster (ConnectionStrings:kafka) answers, or raise the timeout.", ex);
        }

        _overrides.RaiseReload();
        await _services.GetRequiredService<RecordPipeline>().RefreshAsync();
        LogLoaded(_options.Topic, _overrides.Current.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _follower?.Dispose();
        return Task.CompletedTask;
    }

    // Registered under several service types, so the container may dispose it more than once; the follower minds that.
    public void Dispose() => _follower?.Dispose();

    private List<TopicPartition> EnsureTopic() =>
        CompactedTopic.Ensure(_configs, _options.Topic, "module switch", "StripeCdc:ModuleFlags:Topic");

    private void Apply(ConsumeResult<byte[], byte[]> result)
    {
        if (result.Message.Key is not { } key)
        {
            return;
        }

        var module = Encoding.UTF8.GetString(key);
        bool? enabled = result.Message.Value is { } value ? Encoding.UTF8.GetString(value) == "true" : null;

        // While loading, one reload at the end is enough; afterwards each switch reloads the pipeline.
        var loaded = _follower!.IsLoaded;
        _overrides.Set(module, enabled, raiseReload: loaded);
        if (loaded)
        {
            // Rebuilt here too, after the reload has marked the flag definitions stale, rather than
            // relying on the order in which reload callbacks run.
            _ = Task.Run(() => _services.GetRequiredService<RecordPipeline>().RefreshAsync());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Module switches: read topic '{Topic}', {Count} switched module(s).")]
    private partial void LogLoaded(string topic, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Module '{Module}' switched for the deployment: {Enabled}.")]
    private partial void LogSwitched(string module, string enabled);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Module switches: reading the topic failed: {Reason}")]
    private partial void LogTailError(string reason);
}
