using System.Text.Json;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using StripeCdc.Correctness.Tests.Deployment;

namespace StripeCdc.Correctness.Tests.Verification;

/// <summary>
/// The state a Kafka consumer computes from the topics (SPEC §11): per key the record with the latest
/// <c>_event_created</c>, ties by offset, deletes applied (a subscription's cancellation is not one); a parent's children are the fan-out records of
/// that record's event. Objects whose latest second holds two different events cannot be ordered by a
/// consumer: they are left out and counted. A connected account's records are keyed <c>{"account","id"}</c>
/// (SPEC §12): the account is part of the object's identity.
/// </summary>
internal static class KafkaSinkState
{
    public static (Dictionary<ObjectKey, ObservedObject> Objects, HashSet<ObjectKey> Unorderable) Read(string bootstrapServers, string prefix)
    {
        var children = new Dictionary<(string Account, string Parent, string EventId), Dictionary<string, (JsonObject Data, bool Truncated)>>();
        foreach (var table in SinkDeployment.ChildTables)
        {
            foreach (var record in ReadTopic(bootstrapServers, prefix + table))
            {
                var key = JsonNode.Parse(record.Message.Key)!;
                var (data, truncated) = ConnectorFields.Strip(JsonNode.Parse(record.Message.Value)!.AsObject().DeepClone().AsObject());
                var eventId = JsonNode.Parse(record.Message.Value)!["_ctx_event_id"]!.GetValue<string>();
                var parent = (AccountOf(key), key["id"]!.GetValue<string>(), eventId);
                if (!children.TryGetValue(parent, out var set))
                {
                    children[parent] = set = new(StringComparer.Ordinal);
                }

                set[key["item_id"]!.GetValue<string>()] = (data, truncated);
            }
        }

        var objects = new Dictionary<ObjectKey, ObservedObject>();
        var unorderable = new HashSet<ObjectKey>();
        foreach (var table in SinkDeployment.ParentTables)
        {
            var byKey = ReadTopic(bootstrapServers, prefix + table)
                .Where(r => r.Message.Value is not null)
                .Select(r => (Key: KeyOf(table, JsonNode.Parse(r.Message.Key)!), Json: JsonNode.Parse(r.Message.Value)!.AsObject(), Offset: r.Offset.Value))
                .GroupBy(r => r.Key);
            foreach (var records in byKey)
            {
                var latest = records.Max(r => Created(r.Json));
                var top = records.Where(r => Created(r.Json) == latest).ToList();
                if (top.Select(r => r.Json["_event_id"]!.GetValue<string>()).Distinct(StringComparer.Ordinal).Count() > 1)
                {
                    unorderable.Add(records.Key);
                    continue;
                }

                var winner = top.MaxBy(r => r.Offset);
                var eventId = winner.Json["_event_id"]!.GetValue<string>();
                // SPEC §10's cancellation rule, as a consumer applies it: customer.subscription.deleted carries
                // __deleted=true (its action, SPEC §3) but Stripe keeps the subscription, cancelled.
                var deleted = winner.Json["__deleted"]?.GetValue<bool>() == true
                    && winner.Json["_event_type"]?.GetValue<string>() != "customer.subscription.deleted";
                var (data, _) = ConnectorFields.Strip(winner.Json);
                var set = children.GetValueOrDefault((records.Key.Account, records.Key.Id, eventId));
                objects[records.Key] = new ObservedObject(
                    records.Key,
                    deleted,
                    data,
                    set?.ToDictionary(c => c.Key, c => c.Value.Data, StringComparer.Ordinal) ?? [],
                    set?.Values.Any(c => c.Truncated) == true);
            }
        }

        return (objects, unorderable);
    }

    private static ObjectKey KeyOf(string table, JsonNode key) => new(AccountOf(key), table, key["id"]!.GetValue<string>());

    /// <summary>The key's <c>account</c>; <c>''</c> for the platform's own objects, whose keys have none.</summary>
    private static string AccountOf(JsonNode key) => key["account"]?.GetValue<string>() ?? string.Empty;

    /// <summary><c>_event_created</c> in Unix seconds (a number, or an ISO 8601 string).</summary>
    private static long Created(JsonObject value) => value["_event_created"]!.GetValueKind() == JsonValueKind.Number
        ? value["_event_created"]!.GetValue<long>()
        : DateTimeOffset.Parse(value["_event_created"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();

    /// <summary>Every record of a topic; fails when the mock cluster dropped old records (its 5 MB per partition).</summary>
    private static List<ConsumeResult<byte[], byte[]>> ReadTopic(string bootstrapServers, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "scenario-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).SetLogHandler((_, _) => { }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        var expected = 0L;
        foreach (var partition in partitions)
        {
            var marks = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10));
            if (marks.Low.Value > 0)
            {
                throw new InvalidOperationException($"{partition} lost records below offset {marks.Low.Value}: the mock cluster keeps 5 MB per partition; give the topic more partitions.");
            }

            expected += marks.High.Value;
        }

        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var records = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (records.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false, Message: not null } result)
            {
                records.Add(result);
            }
        }

        return records.Count == expected ? records : throw new TimeoutException($"{topic}: read {records.Count} of {expected} records.");
    }
}
