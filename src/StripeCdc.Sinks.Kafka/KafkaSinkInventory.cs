using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Confluent.Kafka;
using StripeCdc.Records;

namespace StripeCdc.Sinks.Kafka;

/// <summary>
/// What a topic holds, for <c>snapshot --prune</c>: the topic read from its beginning to the high watermarks
/// it had when the read began, the latest record per key kept (id, object type, last change, partition and
/// offset; not the value), tombstones and deletes dropping their key. The last change is the value's
/// <c>_event_created</c>, or the record's timestamp when metadata is off. One full read per pruned resource;
/// a compacted topic keeps that bounded by the keys it holds. Only the keys of the account asked for are kept:
/// <c>{"id":…}</c> for the platform's own objects, <c>{"account":"acct_…","id":…}</c> for a connected account's.
/// </summary>
internal sealed class KafkaSinkInventory(KafkaClientConfigs configs) : ISinkInventory
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    public async IAsyncEnumerable<HeldObject> ReadAsync(string topic, string? account, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // librdkafka's consumer blocks: the read runs on a thread of its own.
        var held = await Task.Factory.StartNew(() => Read(topic, account, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        foreach (var item in held.Values)
        {
            yield return item;
        }
    }

    public async ValueTask<ReadOnlyMemory<byte>?> ReadValueAsync(string topic, HeldObject held, CancellationToken cancellationToken)
    {
        if (held.Locator?.Split(':') is not [var partitionText, var offsetText])
        {
            return null;
        }

        var partition = new Partition(int.Parse(partitionText, CultureInfo.InvariantCulture));
        var offset = long.Parse(offsetText, CultureInfo.InvariantCulture);
        return await Task.Factory.StartNew<ReadOnlyMemory<byte>?>(
            () =>
            {
                using var consumer = CreateConsumer();
                consumer.Assign(new TopicPartitionOffset(topic, partition, new Offset(offset)));
                try
                {
                    while (true)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var result = consumer.Consume(Poll);
                        if (result is null)
                        {
                            continue;
                        }

                        if (result.IsPartitionEOF || result.Offset.Value > offset)
                        {
                            return null;
                        }

                        if (result.Offset.Value == offset)
                        {
                            return result.Message.Value;
                        }
                    }
                }
                finally
                {
                    consumer.Close();
                }
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    private Dictionary<string, HeldObject> Read(string topic, string? account, CancellationToken cancellationToken)
    {
        var held = new Dictionary<string, HeldObject>(StringComparer.Ordinal);
        using var consumer = CreateConsumer();
        var ends = new Dictionary<int, long>();
        foreach (var partition in Partitions(topic))
        {
            var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), MetadataTimeout);
            if (watermarks.High.Value > watermarks.Low.Value)
            {
                ends[partition.Value] = watermarks.High.Value;
            }
        }

        if (ends.Count == 0)
        {
            return held;
        }

        consumer.Assign(ends.Keys.Select(p => new TopicPartitionOffset(topic, new Partition(p), Offset.Beginning)));
        try
        {
            while (ends.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var result = consumer.Consume(Poll);
                if (result is null)
                {
                    continue;
                }

                var partition = result.Partition.Value;
                if (!ends.TryGetValue(partition, out var end))
                {
                    continue;
                }

                if (!result.IsPartitionEOF && result.Offset.Value < end)
                {
                    Apply(held, account, result);
                }

                if (result.IsPartitionEOF || result.Offset.Value >= end - 1)
                {
                    ends.Remove(partition);
                }
            }
        }
        finally
        {
            consumer.Close();
        }

        return held;
    }

    /// <summary>Keeps the latest state of the record's key: a tombstone or a delete removes it; a key without an id, or of another account, is left out.</summary>
    private static void Apply(Dictionary<string, HeldObject> held, string? account, ConsumeResult<byte[], byte[]> result)
    {
        if (ReadKey(result.Message.Key) is not { } key || !string.Equals(key.Account, account, StringComparison.Ordinal))
        {
            return;
        }

        var id = key.Id;

        var value = result.Message.Value;
        if (value is null || value.Length == 0)
        {
            held.Remove(id);
            return;
        }

        string? objectType = null;
        string? eventType = null;
        long? created = null;
        var deleted = false;
        try
        {
            using var document = JsonDocument.Parse(value);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            objectType = root.TryGetProperty("object", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
            eventType = root.TryGetProperty("_event_type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            created = root.TryGetProperty("_event_created", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt64() : null;
            deleted = root.TryGetProperty("__deleted", out var d) && d.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            return;
        }

        // A subscription's cancellation carries __deleted but the object stays (SPEC §10).
        if (deleted && eventType != RecordOrigin.SubscriptionCancellation)
        {
            held.Remove(id);
            return;
        }

        var changedAt = created is { } seconds
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : result.Message.Timestamp.UtcDateTime;
        held[id] = new HeldObject(id, objectType, changedAt, string.Create(CultureInfo.InvariantCulture, $"{result.Partition.Value}:{result.Offset.Value}"), account);
    }

    /// <summary>The key's account (null when it names none: the platform's own object) and id; null when it is not such a key.</summary>
    private static (string? Account, string Id)? ReadKey(byte[]? key)
    {
        if (key is null || key.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(key);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { } idText)
            {
                return null;
            }

            if (!root.TryGetProperty("account", out var account))
            {
                return (null, idText);
            }

            return account.ValueKind == JsonValueKind.String ? (account.GetString(), idText) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The topic's partitions; none when it does not exist (it is not created by asking).</summary>
    private List<Partition> Partitions(string topic)
    {
        using var admin = new AdminClientBuilder(configs.Admin("inventory")).SetLogHandler((_, _) => { }).Build();
        var metadata = admin.GetMetadata(MetadataTimeout);
        return metadata.Topics.Find(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError)?.Partitions.Select(p => new Partition(p.PartitionId)).ToList() ?? [];
    }

    private IConsumer<byte[], byte[]> CreateConsumer() =>
        new ConsumerBuilder<byte[], byte[]>(configs.Consumer("inventory", config =>
        {
            config.GroupId = "stripecdc-inventory-" + Guid.NewGuid().ToString("N");
            config.EnableAutoCommit = false;
            config.EnablePartitionEof = true;
            config.AutoOffsetReset = AutoOffsetReset.Earliest;
        }))
            .SetLogHandler((_, _) => { })
            .Build();
}
