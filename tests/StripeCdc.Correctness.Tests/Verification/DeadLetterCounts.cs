using System.Text;
using Confluent.Kafka;
using Npgsql;

namespace StripeCdc.Correctness.Tests.Verification;

/// <summary>What each sink dead-lettered, by <c>__dlq_reason</c>: a correct run sends nothing there.</summary>
internal static class DeadLetterCounts
{
    public static async Task<Dictionary<string, int>> InPostgresAsync(string connectionString)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT reason, count(*)::int FROM stripe.stripe_dlq GROUP BY reason", connection);
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                counts[reader.GetString(0)] = reader.GetInt32(1);
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // Nothing was ever dead-lettered.
        }

        return counts;
    }

    public static Dictionary<string, int> InKafka(string bootstrapServers, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "scenario-dlq-" + Guid.NewGuid().ToString("N") })
            .SetLogHandler((_, _) => { }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).SetLogHandler((_, _) => { }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        var total = partitions.Sum(p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        for (var read = 0L; read < total && DateTime.UtcNow < deadline;)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false, Message: not null } result)
            {
                read++;
                var reason = result.Message.Headers.TryGetLastBytes("__dlq_reason", out var bytes) ? Encoding.UTF8.GetString(bytes) : "?";
                counts[reason] = counts.GetValueOrDefault(reason) + 1;
            }
        }

        return counts;
    }
}
