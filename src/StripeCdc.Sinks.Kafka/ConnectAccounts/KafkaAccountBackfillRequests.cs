using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeCdc.Configuration;
using StripeCdc.Connect;
using StripeCdc.Hosting;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// Backfill requests of new connected accounts on a compacted topic: one record per account, key
/// <c>backfill/&lt;source&gt;/&lt;acct_…&gt;</c>, value the request as JSON, so a repeated request is the same key and
/// compaction keeps one. Each service reads the topic at start (only when a source has
/// <c>ConnectBackfillNewAccounts</c>; a command-line run on first use) and tails it, so the worker learns an account the ingest wrote within moments.
/// The topic follows the sink, not the worker's checkpoint store: a worker with file checkpoints reads it too.
/// </summary>
internal sealed partial class KafkaAccountBackfillRequests : IAccountBackfillRequests, IHostedService, IDisposable
{
    private const string KeyPrefix = "backfill/";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly KafkaAccountRequestOptions _options;
    private readonly KafkaClientConfigs _configs;
    private readonly KafkaProducerConnection _connection;
    private readonly SourceCatalog _sources;
    private readonly ILogger<KafkaAccountBackfillRequests> _logger;
    private readonly Lock _lock = new();
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly List<AccountBackfillRequest> _requests = [];
    private readonly Lazy<Task> _load;
    private TopicFollower? _follower;

    public KafkaAccountBackfillRequests(
        IOptions<KafkaAccountRequestOptions> options,
        KafkaClientConfigs configs,
        KafkaProducerConnection connection,
        SourceCatalog sources,
        ILogger<KafkaAccountBackfillRequests> logger)
    {
        _options = options.Value;
        _configs = configs;
        _connection = connection;
        _sources = sources;
        _logger = logger;
        _load = new Lazy<Task>(LoadAsync);
    }

    public async ValueTask RequestAsync(AccountBackfillRequest request, CancellationToken cancellationToken)
    {
        await _load.Value.WaitAsync(cancellationToken);
        var key = Key(request.Source, request.Account);
        try
        {
            await _connection.Producer.ProduceAsync(
                _options.Topic,
                new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(key), Value = JsonSerializer.SerializeToUtf8Bytes(request with { Position = 0 }, Json) },
                cancellationToken);
        }
        catch (ProduceException<byte[], byte[]> ex)
        {
            throw new SinkException($"The backfill request could not be written to topic '{_options.Topic}': {ex.Error.Reason}.", ex.Error.IsFatal);
        }

        Add(key, request);
    }

    public async ValueTask<IReadOnlyList<AccountBackfillRequest>> ReadAsync(long position, CancellationToken cancellationToken)
    {
        await _load.Value.WaitAsync(cancellationToken);
        lock (_lock)
        {
            return position >= _requests.Count ? [] : _requests[(int)Math.Max(0, position)..];
        }
    }

    /// <summary>Reads the topic before the service takes traffic, when a source asks for requests; otherwise it is never touched.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_sources.All.Any(s => s.Options.ConnectBackfillNewAccounts))
        {
            await _load.Value.WaitAsync(cancellationToken);
        }
    }

    private async Task LoadAsync()
    {
        var partitions = await Task.Run(() => CompactedTopic.Ensure(_configs, _options.Topic, "connected-account request", KafkaAccountRequestOptions.TopicKey));
        _follower = new TopicFollower(
            "connect-accounts-tail",
            TopicFollower.Consumer(_configs, "the connected-account requests", "stripecdc-accounts-"),
            () => [.. partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning))],
            Apply,
            LogTailError,
            TimeSpan.FromMilliseconds(100));
        _follower.Start();
        try
        {
            await _follower.Loaded.WaitAsync(_options.LoadTimeout);
        }
        catch (TimeoutException ex)
        {
            throw new StartupException(
                $"The connected-account requests could not be read from topic '{_options.Topic}' ({KafkaAccountRequestOptions.TopicKey}) within {_options.LoadTimeout}: check that the cluster (ConnectionStrings:kafka) answers.", ex);
        }

        LogLoaded(_options.Topic, _requests.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _follower?.Dispose();
        return Task.CompletedTask;
    }

    // Registered under several service types, so the container may dispose it more than once; the follower minds that.
    public void Dispose() => _follower?.Dispose();

    private void Apply(ConsumeResult<byte[], byte[]> result)
    {
        if (result.Message.Key is not { } rawKey || result.Message.Value is not { } value)
        {
            return;
        }

        var key = Encoding.UTF8.GetString(rawKey);
        if (!key.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            return;
        }

        try
        {
            if (JsonSerializer.Deserialize<AccountBackfillRequest>(value, Json) is { } request)
            {
                Add(key, request);
            }
        }
        catch (JsonException)
        {
            LogUnreadable(key);
        }
    }

    private void Add(string key, AccountBackfillRequest request)
    {
        lock (_lock)
        {
            if (_keys.Add(key))
            {
                _requests.Add(request with { Position = _requests.Count + 1 });
            }
        }
    }

    private static string Key(string source, string account) => $"{KeyPrefix}{source}/{account}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected-account requests: read topic '{Topic}', {Count} account(s).")]
    private partial void LogLoaded(string topic, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connected-account requests: reading the topic failed: {Reason}")]
    private partial void LogTailError(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connected-account requests: the record '{Key}' is not readable and is ignored.")]
    private partial void LogUnreadable(string key);
}
