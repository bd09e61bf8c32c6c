using System.Runtime.InteropServices;

namespace StripeCdc.EmbeddedKafka;

/// <summary>The parts of librdkafka's C API that create and steer its mock cluster.</summary>
internal static partial class NativeMethods
{
    private const string Lib = "librdkafka";

    public const int ProducerType = 0;

    [LibraryImport(Lib)]
    public static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_conf_set(IntPtr conf, string name, string value, byte[] errstr, nuint errstrSize);

    [LibraryImport(Lib)]
    public static partial IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, nuint errstrSize);

    [LibraryImport(Lib)]
    public static partial void rd_kafka_destroy(IntPtr rk);

    [LibraryImport(Lib)]
    public static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [LibraryImport(Lib)]
    public static partial void rd_kafka_mock_cluster_destroy(IntPtr cluster);

    [LibraryImport(Lib)]
    public static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_topic_create(IntPtr cluster, string topic, int partitions, int replicationFactor);

    [LibraryImport(Lib)]
    public static partial int rd_kafka_mock_broker_set_down(IntPtr cluster, int brokerId);

    [LibraryImport(Lib)]
    public static partial int rd_kafka_mock_broker_set_up(IntPtr cluster, int brokerId);

    [LibraryImport(Lib)]
    public static partial int rd_kafka_mock_broker_set_rtt(IntPtr cluster, int brokerId, int rttMs);

    [LibraryImport(Lib)]
    public static partial void rd_kafka_mock_push_request_errors_array(IntPtr cluster, short apiKey, nuint count, int[] errors);
}
