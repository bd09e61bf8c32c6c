using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace StripeCdc.EmbeddedKafka;

/// <summary>
/// An in-process Kafka cluster: librdkafka's mock cluster, which speaks the real Kafka protocol on
/// 127.0.0.1 (any client, kcat included, can connect through <see cref="BootstrapServers"/>). It is
/// in memory only and has no CreateTopics API, so topics are made with <see cref="CreateTopic"/>.
/// Fault injection (brokers down, request errors, latency) is for tests.
/// </summary>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    private readonly Lock _lock = new();
    private IntPtr _client;
    private IntPtr _cluster;

    private EmbeddedKafkaCluster(IntPtr client, IntPtr cluster, int brokerCount)
    {
        _client = client;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = Marshal.PtrToStringUTF8(NativeMethods.rd_kafka_mock_cluster_bootstraps(cluster))
            ?? throw new InvalidOperationException("The mock cluster reported no bootstrap servers.");
    }

    public int BrokerCount { get; }

    /// <summary><c>127.0.0.1:port,…</c>, the value for <c>ConnectionStrings:kafka</c>.</summary>
    public string BootstrapServers { get; }

    public static EmbeddedKafkaCluster Start(int brokerCount = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        LibRdKafka.EnsureLoaded();

        var error = new byte[512];
        var conf = NativeMethods.rd_kafka_conf_new();
        NativeMethods.rd_kafka_conf_set(conf, "log_level", "3", error, (nuint)error.Length);
        var client = NativeMethods.rd_kafka_new(NativeMethods.ProducerType, conf, error, (nuint)error.Length);
        if (client == IntPtr.Zero)
        {
            throw new InvalidOperationException($"librdkafka could not create the mock cluster's handle: {ReadError(error)}");
        }

        var cluster = NativeMethods.rd_kafka_mock_cluster_new(client, brokerCount);
        if (cluster == IntPtr.Zero)
        {
            NativeMethods.rd_kafka_destroy(client);
            throw new InvalidOperationException("librdkafka could not start a mock cluster.");
        }

        return new EmbeddedKafkaCluster(client, cluster, brokerCount);
    }

    /// <summary>Creates a topic; a topic that exists already is left as it is.</summary>
    public void CreateTopic(string topic, int partitions = 3, int replicationFactor = 3)
    {
        var code = NativeMethods.rd_kafka_mock_topic_create(Cluster, topic, partitions, Math.Min(replicationFactor, BrokerCount));
        if (code != 0 && (ErrorCode)code != ErrorCode.TopicAlreadyExists)
        {
            throw new InvalidOperationException($"Could not create topic '{topic}': {(ErrorCode)code}.");
        }
    }

    /// <summary>Takes one broker (1…<see cref="BrokerCount"/>) down: its connections close and it refuses new ones.</summary>
    public void SetBrokerDown(int brokerId) => Check(NativeMethods.rd_kafka_mock_broker_set_down(Cluster, brokerId), brokerId);

    public void SetBrokerUp(int brokerId) => Check(NativeMethods.rd_kafka_mock_broker_set_up(Cluster, brokerId), brokerId);

    public void SetAllBrokersDown()
    {
        for (var id = 1; id <= BrokerCount; id++)
        {
            SetBrokerDown(id);
        }
    }

    public void SetAllBrokersUp()
    {
        for (var id = 1; id <= BrokerCount; id++)
        {
            SetBrokerUp(id);
        }
    }

    /// <summary>Adds round-trip latency to one broker's responses.</summary>
    public void SetBrokerLatency(int brokerId, TimeSpan latency) =>
        Check(NativeMethods.rd_kafka_mock_broker_set_rtt(Cluster, brokerId, (int)latency.TotalMilliseconds), brokerId);

    /// <summary>The next requests of one API (for example <see cref="KafkaApiKey.Produce"/>) fail with these errors, in order.</summary>
    public void PushRequestErrors(short apiKey, params ErrorCode[] errors)
    {
        var codes = Array.ConvertAll(errors, e => (int)e);
        NativeMethods.rd_kafka_mock_push_request_errors_array(Cluster, apiKey, (nuint)codes.Length, codes);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_cluster != IntPtr.Zero)
            {
                NativeMethods.rd_kafka_mock_cluster_destroy(_cluster);
                _cluster = IntPtr.Zero;
            }

            if (_client != IntPtr.Zero)
            {
                NativeMethods.rd_kafka_destroy(_client);
                _client = IntPtr.Zero;
            }
        }
    }

    private IntPtr Cluster => _cluster != IntPtr.Zero ? _cluster : throw new ObjectDisposedException(nameof(EmbeddedKafkaCluster));

    private static void Check(int code, int brokerId)
    {
        if (code != 0)
        {
            throw new InvalidOperationException($"The mock cluster refused the request for broker {brokerId}: {(ErrorCode)code}.");
        }
    }

    private static string ReadError(byte[] buffer)
    {
        var end = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }
}
