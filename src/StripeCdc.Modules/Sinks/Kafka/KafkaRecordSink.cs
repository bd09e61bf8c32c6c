using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StripeCdc.Records;
using StripeCdc.Telemetry;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// Writes records with an idempotent producer and <c>acks=all</c>; <see cref="WriteAsync"/> completes
/// when every record of the batch is acknowledged. The producer retries transient broker errors itself
/// (idempotence keeps those retries free of duplicates) until <c>message.timeout.ms</c>.
/// </summary>
internal sealed partial class KafkaRecordSink : IRecordSink, IDisposable
{
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly StripeCdcMetrics _metrics;

    public KafkaRecordSink(IOptions<KafkaSinkOptions> options, StripeCdcMetrics metrics, ILogger<KafkaRecordSink> logger)
    {
        _metrics = metrics;
        _producer = new ProducerBuilder<byte[], byte[]>(CreateConfig(options.Value))
            .SetLogHandler((_, message) => LogClient(logger, MapLevel(message.Level), message.Facility, message.Message))
            .SetErrorHandler((_, error) => LogClientError(logger, error.Code, error.Reason, error.IsFatal))
            .Build();
    }

    public static ProducerConfig CreateConfig(KafkaSinkOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            throw new InvalidOperationException(
                "No Kafka address: set ConnectionStrings:kafka (ConnectionStrings__kafka) to host:port[,host:port].");
        }

        var config = new ProducerConfig(options.Config)
        {
            BootstrapServers = options.BootstrapServers,
        };

        // Durability is the contract (a 2xx means acknowledged by all in-sync replicas), not a default.
        config.EnableIdempotence = true;
        config.Acks = Acks.All;
        config.LingerMs ??= 2;
        config.ClientId ??= "stripecdc";
        return config;
    }

    public async ValueTask WriteAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 1)
        {
            await ProduceAsync(records[0], cancellationToken);
            return;
        }

        var deliveries = new Task[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            deliveries[i] = ProduceAsync(records[i], cancellationToken);
        }

        await Task.WhenAll(deliveries);
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }

    private async Task ProduceAsync(OutgoingRecord record, CancellationToken cancellationToken)
    {
        using var activity = KafkaTelemetry.StartPublish(record.Topic);
        var headers = new Headers();
        foreach (var header in record.Headers)
        {
            headers.Add(header.Name, header.Value);
        }

        KafkaTelemetry.InjectTraceContext(activity, headers);
        var message = new Message<byte[], byte[]> { Key = record.Key!, Value = record.BuildValue(), Headers = headers };
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await _producer.ProduceAsync(record.Topic, message, cancellationToken);
            KafkaTelemetry.Acknowledged(activity, result, Stopwatch.GetElapsedTime(started));
            _metrics.RecordProduced(record.Topic);
        }
        catch (ProduceException<byte[], byte[]> ex)
        {
            KafkaTelemetry.Failed(activity, record.Topic, ex.Error, Stopwatch.GetElapsedTime(started));
            throw new SinkException(
                $"Kafka did not acknowledge a record for topic '{record.Topic}': {ex.Error.Reason} ({ex.Error.Code}).",
                IsPermanent(ex.Error.Code),
                ex);
        }
        catch (KafkaException ex)
        {
            KafkaTelemetry.Failed(activity, record.Topic, ex.Error, Stopwatch.GetElapsedTime(started));
            throw new SinkException($"The Kafka producer failed: {ex.Error.Reason} ({ex.Error.Code}).", IsPermanent(ex.Error.Code), ex);
        }
    }

    /// <summary>Errors that the same record will meet again however often it is retried.</summary>
    private static bool IsPermanent(ErrorCode code) => code is
        ErrorCode.MsgSizeTooLarge or
        ErrorCode.InvalidMsg or
        ErrorCode.InvalidMsgSize or
        ErrorCode.TopicException or
        ErrorCode.InvalidRecord or
        ErrorCode.RecordListTooLarge or
        ErrorCode.TopicAuthorizationFailed or
        ErrorCode.Local_InvalidArg;

    private static LogLevel MapLevel(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };

    [LoggerMessage(Message = "librdkafka {Facility}: {Message}")]
    private static partial void LogClient(ILogger logger, LogLevel level, string facility, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka producer error {Code}: {Reason} (fatal: {IsFatal})")]
    private static partial void LogClientError(ILogger logger, ErrorCode code, string reason, bool isFatal);
}
