using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeCdc.Hosting;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// Finds which of the topics a service needs are missing and creates them (partitions, replication factor
/// and configs from <see cref="KafkaTopicOptions"/>). Every failure is a <see cref="KafkaTopicException"/>
/// naming the topic and the setting, raised within <see cref="KafkaTopicOptions.Timeout"/> plus the metadata
/// timeout: a cluster without the CreateTopics API (librdkafka's mock) or one that refuses never hangs start-up.
/// </summary>
public sealed partial class KafkaTopicCreator(KafkaClientConfigs configs, IOptions<KafkaTopicOptions> options, ILogger<KafkaTopicCreator> logger)
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(5);
    private const int DefaultPartitions = 3;

    /// <summary>Ensures every topic exists; returns each topic's partition ids.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<int>>> EnsureAsync(IReadOnlyCollection<KafkaTopicRequest> topics, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var admin = new AdminClientBuilder(configs.Admin("topic creation", config =>
                config.SocketTimeoutMs ??= (int)settings.Timeout.TotalMilliseconds))
            .SetLogHandler((_, _) => { })
            .Build();

        // All topics, not the named ones: asking for a named topic lets some clusters (and the mock) auto-create it.
        var existing = Existing(admin, topics.First());
        var missing = topics.Where(t => !existing.ContainsKey(t.Name)).DistinctBy(t => t.Name).ToList();
        if (missing.Count == 0)
        {
            return Select(existing, topics);
        }

        if (!settings.Create)
        {
            var first = missing[0];
            throw new KafkaTopicException(
                $"Kafka topic '{first.Name}' ({first.Setting}) does not exist and {KafkaTopicOptions.SectionName}:Create is false: create it, or allow creation.");
        }

        var specifications = missing.Select(Specification).ToList();
        try
        {
            await admin.CreateTopicsAsync(specifications, new CreateTopicsOptions
            {
                RequestTimeout = settings.Timeout,
                OperationTimeout = settings.Timeout,
            }).WaitAsync(settings.Timeout + TimeSpan.FromSeconds(1), cancellationToken);
        }
        catch (CreateTopicsException ex)
        {
            var refused = ex.Results.FirstOrDefault(r => r.Error.IsError && r.Error.Code != ErrorCode.TopicAlreadyExists);
            if (refused is not null)
            {
                var request = missing.First(t => t.Name == refused.Topic);
                throw new KafkaTopicException(
                    $"Kafka refused to create topic '{refused.Topic}' ({request.Setting}) with {Describe(specifications.First(s => s.Name == refused.Topic))}: {refused.Error.Reason}. "
                    + $"Fix {SettingsOf(refused.Topic)} or create the topic yourself.",
                    ex);
            }
        }
        catch (Exception ex) when (ex is KafkaException or TimeoutException)
        {
            var first = missing[0];
            var reason = ex is KafkaException kafka ? kafka.Error.Reason : $"no answer within {settings.Timeout.TotalSeconds:0} s";
            throw new KafkaTopicException(
                $"Kafka topic '{first.Name}' ({first.Setting}) does not exist and the cluster did not create it ({reason}; a cluster without the CreateTopics API, "
                + $"such as librdkafka's mock, never answers): create it before the first start, or check {KafkaTopicOptions.SectionName}.",
                ex);
        }

        foreach (var specification in specifications)
        {
            LogCreated(specification.Name, Describe(specification));
        }

        return Select(Existing(admin, topics.First()), topics);
    }

    private Dictionary<string, IReadOnlyList<int>> Existing(IAdminClient admin, KafkaTopicRequest first)
    {
        Metadata metadata;
        try
        {
            metadata = admin.GetMetadata(MetadataTimeout);
        }
        catch (KafkaException ex)
        {
            throw new KafkaTopicException(
                $"Kafka ({configs.BootstrapServers}, ConnectionStrings:kafka) did not answer a metadata request for topic '{first.Name}' within {MetadataTimeout.TotalSeconds:0} s: {ex.Error.Reason}. Check that the cluster runs and ConnectionStrings:kafka names it.",
                ex);
        }

        return metadata.Topics
            .Where(t => t.Error.Code == ErrorCode.NoError && t.Partitions.Count > 0)
            .ToDictionary(t => t.Topic, t => (IReadOnlyList<int>)[.. t.Partitions.Select(p => p.PartitionId).Order()], StringComparer.Ordinal);
    }

    private static Dictionary<string, IReadOnlyList<int>> Select(Dictionary<string, IReadOnlyList<int>> existing, IReadOnlyCollection<KafkaTopicRequest> topics) =>
        topics.Where(t => existing.ContainsKey(t.Name)).DistinctBy(t => t.Name).ToDictionary(t => t.Name, t => existing[t.Name], StringComparer.Ordinal);

    /// <summary>Role configs first (they are what the role needs), then the defaults, then the topic's own override.</summary>
    private TopicSpecification Specification(KafkaTopicRequest request)
    {
        var settings = options.Value;
        var overrides = settings.Overrides.GetValueOrDefault(request.Name);
        var config = new Dictionary<string, string>(request.RoleConfig, StringComparer.Ordinal);
        foreach (var (key, value) in settings.Default.Config)
        {
            config[key] = value;
        }

        foreach (var (key, value) in overrides?.Config ?? [])
        {
            config[key] = value;
        }

        return new TopicSpecification
        {
            Name = request.Name,
            NumPartitions = overrides?.Partitions ?? settings.Default.Partitions ?? DefaultPartitions,
            ReplicationFactor = overrides?.ReplicationFactor ?? settings.Default.ReplicationFactor ?? -1,
            Configs = config,
        };
    }

    private static string SettingsOf(string topic) =>
        $"{KafkaTopicOptions.SectionName}:Overrides:{topic} (or {KafkaTopicOptions.SectionName}:Default)";

    private static string Describe(TopicSpecification specification) =>
        string.Join(", ", new[]
        {
            "partitions=" + specification.NumPartitions.ToString(CultureInfo.InvariantCulture),
            "replication.factor=" + (specification.ReplicationFactor < 0 ? "broker default" : specification.ReplicationFactor.ToString(CultureInfo.InvariantCulture)),
        }.Concat(specification.Configs.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}")));

    [LoggerMessage(Level = LogLevel.Information, Message = "Created Kafka topic '{Topic}' ({Settings}).")]
    private partial void LogCreated(string topic, string settings);
}

/// <summary>A topic a service needs is missing and could not be created; the message names the topic and the setting.</summary>
public sealed class KafkaTopicException(string message, Exception? inner = null) : StartupException(message, inner);
