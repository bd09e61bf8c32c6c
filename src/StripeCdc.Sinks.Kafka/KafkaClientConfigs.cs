using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// The one place every Kafka client of a service gets its settings from, so a secured cluster's
/// <c>security.protocol</c>, <c>sasl.*</c> and <c>ssl.*</c> reach the producer, the ledger's consumer,
/// the admin clients, the health check and the DLQ replayer alike. Layers, later wins:
/// Aspire's <c>Aspire:Confluent:Kafka:Producer|Consumer:Config</c>, the shared
/// <c>StripeCdc:Kafka:Config</c>, the role's <c>StripeCdc:Kafka:Producer|Consumer|Admin:Config</c>,
/// then <c>ConnectionStrings:kafka</c> as <c>bootstrap.servers</c>. Each client's effective configuration
/// is logged at Debug with secrets masked.
/// </summary>
public sealed partial class KafkaClientConfigs
{
    public const string SharedSection = "StripeCdc:Kafka:Config";
    public const string ConsumerSection = "StripeCdc:Kafka:Consumer:Config";
    public const string AdminSection = "StripeCdc:Kafka:Admin:Config";
    public const string AspireConsumerSection = "Aspire:Confluent:Kafka:Consumer:Config";

    private const string Masked = "*****";
    private readonly IConfiguration _configuration;
    private readonly IOptions<KafkaSinkOptions> _producer;
    private readonly ILogger<KafkaClientConfigs> _logger;
    private readonly StripeCdcKafkaSettings? _settings;

    /// <param name="configuration">Absent in hosts that configure the sink only through <see cref="KafkaSinkOptions"/>.</param>
    /// <param name="settings">The integration's settings: <c>ConnectionStrings:kafka</c>.</param>
    public KafkaClientConfigs(IOptions<KafkaSinkOptions> producer, ILogger<KafkaClientConfigs> logger, IConfiguration? configuration = null, StripeCdcKafkaSettings? settings = null)
    {
        _configuration = configuration ?? new ConfigurationBuilder().Build();
        _producer = producer;
        _logger = logger;
        _settings = settings;
    }

    /// <summary>The bootstrap servers: <c>ConnectionStrings:kafka</c>, else what the producer options were given.</summary>
    public string BootstrapServers =>
        _settings?.ConnectionString is { Length: > 0 } connection
            ? connection
            : _producer.Value.BootstrapServers is { Length: > 0 } configured
                ? configured
                : throw new InvalidOperationException(
                    "No Kafka address: set ConnectionStrings:kafka (ConnectionStrings__kafka) to host:port[,host:port].");

    /// <summary>A fresh producer configuration (the caller adds what its role enforces).</summary>
    public ProducerConfig Producer(string purpose, Action<ProducerConfig>? enforce = null)
    {
        var settings = Layered(KafkaSinkOptions.AspireSectionName + ":Config", null);
        foreach (var (key, value) in _producer.Value.Config)
        {
            settings[key] = value;
        }

        settings["bootstrap.servers"] = BootstrapServers;
        var config = new ProducerConfig(settings);
        enforce?.Invoke(config);
        return Logged(config, "producer", purpose);
    }

    public ConsumerConfig Consumer(string purpose, Action<ConsumerConfig>? enforce = null)
    {
        var config = new ConsumerConfig(Layered(AspireConsumerSection, ConsumerSection));
        enforce?.Invoke(config);
        return Logged(config, "consumer", purpose);
    }

    public AdminClientConfig Admin(string purpose, Action<AdminClientConfig>? enforce = null)
    {
        var config = new AdminClientConfig(Layered(null, AdminSection));
        enforce?.Invoke(config);
        return Logged(config, "admin", purpose);
    }

    /// <summary>Logs the configuration a client is about to be built with (secrets masked); returns it.</summary>
    public TConfig Logged<TConfig>(TConfig config, string role, string purpose)
        where TConfig : ClientConfig
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            LogEffective(role, purpose, Describe(config));
        }

        return config;
    }

    /// <summary><c>key=value</c> pairs, sorted, with every secret-bearing value replaced by <c>*****</c>.</summary>
    public static string Describe(IEnumerable<KeyValuePair<string, string>> config) =>
        string.Join(", ", config
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={(IsSecret(p.Key) ? Masked : p.Value)}"));

    /// <summary>librdkafka properties that carry credentials or private keys.</summary>
    public static bool IsSecret(string key) =>
        key.Contains("password", StringComparison.OrdinalIgnoreCase)
        || key.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || key.Contains("jaas", StringComparison.OrdinalIgnoreCase)
        || key.Equals("sasl.oauthbearer.config", StringComparison.OrdinalIgnoreCase)
        || key.Equals("sasl.oauthbearer.assertion.private.key.pem", StringComparison.OrdinalIgnoreCase)
        || key.Equals("ssl.key.pem", StringComparison.OrdinalIgnoreCase)
        || key.Equals("ssl_key", StringComparison.OrdinalIgnoreCase);

    private Dictionary<string, string> Layered(string? aspireSection, string? roleSection)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        if (aspireSection is not null)
        {
            Add(settings, aspireSection);
        }

        Add(settings, SharedSection);
        if (roleSection is not null)
        {
            Add(settings, roleSection);
        }

        settings["bootstrap.servers"] = BootstrapServers;
        return settings;
    }

    private void Add(Dictionary<string, string> settings, string section)
    {
        foreach (var child in _configuration.GetSection(section).GetChildren())
        {
            if (child.Value is not null)
            {
                settings[child.Key] = child.Value;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kafka {Role} client for {Purpose}, effective configuration: {Config}")]
    private partial void LogEffective(string role, string purpose, string config);
}
