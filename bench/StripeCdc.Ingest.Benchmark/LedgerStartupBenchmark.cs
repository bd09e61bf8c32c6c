using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using StripeCdc.EmbeddedKafka;

namespace StripeCdc.Ingest.Benchmark;

/// <summary>
/// Issue 12.2: the ingest's start-up against a large event ledger. Seeds the ledger topic with
/// <c>--old</c> commits older than the 30-day window and <c>--recent</c> inside it (time-ordered, as a
/// real ledger is), then starts the real ingest in its own process and reports the time until it answers
/// <c>/alive</c> (the host starts listening only after the ledger loaded its window) and its peak RSS.
/// The mock cluster keeps at most 5 MB per partition, so the topic gets <c>--partitions</c> (64 hold 2.25 M).
/// </summary>
internal static class LedgerStartupBenchmark
{
    public const string Mode = "--ledger-startup";

    public static async Task<int> RunAsync(string[] args)
    {
        var old = Option(args, "--old", 2_000_000);
        var recent = Option(args, "--recent", 250_000);
        var partitions = Option(args, "--partitions", 64);
        const string Topic = "stripecdc_event_ledger";

        using var cluster = EmbeddedKafkaCluster.Start(brokerCount: 3);
        cluster.CreateTopic(Topic, partitions, replicationFactor: 1);
        foreach (var topic in new[] { "customer", "payment_intent", "charge", "invoice", "unknown", "stripe_dlq" })
        {
            cluster.CreateTopic(topic);
        }

        var seeding = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        Seed(cluster.BootstrapServers, Topic, old, now.AddDays(-45), now.AddDays(-31));
        Seed(cluster.BootstrapServers, Topic, recent, now.AddDays(-29), now.AddMinutes(-1));
        var held = Held(cluster.BootstrapServers, Topic);
        Console.WriteLine($"seeded {old:N0} old + {recent:N0} recent commits into {partitions} partitions in {seeding.Elapsed.TotalSeconds:0.0} s; the topic holds {held:N0}");

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__kafka"] = cluster.BootstrapServers,
            ["StripeCdc__Sources__default__ApiKey"] = "benchmark-key",
            ["StripeCdc__Ingest__ApiKeyFolder"] = Directory.CreateTempSubdirectory("stripecdc-ledger-bench").FullName,
            ["StripeCdc__Ledger__LoadTimeout"] = "00:02:00",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        var startUp = Stopwatch.StartNew();
        await using var ingest = await ChildServer.StartAsync(ServerMode.Ingest, environment, probe);
        var elapsed = startUp.Elapsed;
        await Task.Delay(500);
        Console.WriteLine($"ingest start-up (process start to /alive, ledger window loaded): {elapsed.TotalSeconds:0.0} s; peak RSS {ingest.PeakRssBytes / (1024 * 1024)} MB");
        return 0;
    }

    private static void Seed(string bootstrap, string topic, int count, DateTimeOffset from, DateTimeOffset to)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            LingerMs = 20,
            BatchSize = 256 * 1024,
            QueueBufferingMaxMessages = 1_000_000,
            CompressionType = CompressionType.None,
        }).Build();
        var step = (to - from).TotalMilliseconds / Math.Max(count, 1);
        for (var i = 0; i < count; i++)
        {
            var at = from.AddMilliseconds(step * i);
            var message = new Message<byte[], byte[]>
            {
                Key = Encoding.UTF8.GetBytes("default/evt_" + i.ToString("D10", CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..14]),
                Value = Encoding.UTF8.GetBytes(at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
                Timestamp = new Timestamp(at),
            };
            while (true)
            {
                try
                {
                    producer.Produce(topic, message);
                    break;
                }
                catch (ProduceException<byte[], byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }

        producer.Flush(TimeSpan.FromMinutes(2));
    }

    private static long Held(string bootstrap, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "bench" }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics[0];
        return metadata.Partitions.Sum(p =>
        {
            var marks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), TimeSpan.FromSeconds(10));
            return marks.High.Value - marks.Low.Value;
        });
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
