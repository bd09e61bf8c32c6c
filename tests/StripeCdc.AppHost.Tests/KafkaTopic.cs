using Confluent.Kafka;

namespace StripeCdc.AppHost.Tests;

/// <summary>Reads a topic of the stack's Kafka from the beginning, the way a downstream consumer would.</summary>
internal static class KafkaTopic
{
    public static ConsumeResult<byte[], byte[]>? Find(string bootstrap, string topic, Func<ConsumeResult<byte[], byte[]>, bool> match, TimeSpan timeout)
    {
        ConsumeResult<byte[], byte[]>? found = null;
        Read(bootstrap, topic, timeout, result =>
        {
            if (match(result))
            {
                found = result;
                return false;
            }

            return true;
        });
        return found;
    }

    /// <summary>Hands every record to <paramref name="next"/> until it returns false or the timeout passes.</summary>
    public static void Read(string bootstrap, string topic, TimeSpan timeout, Func<ConsumeResult<byte[], byte[]>, bool> next)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "stack-test-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        // Assigning partitions directly skips the consumer-group join, which takes seconds.
        using (var admin = new DependentAdminClientBuilder(consumer.Handle).Build())
        {
            var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
            consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));
        }

        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(250));
            if (result?.Message is not null && !next(result))
            {
                return;
            }
        }
    }
}
