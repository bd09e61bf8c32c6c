using System.Diagnostics;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using StripeCdc.Ingest.Tests.Support;
using Xunit.Abstractions;

namespace StripeCdc.Ingest.Tests.Webhooks;

/// <summary>
/// Issue 18: one realistic event of every event type Stripe.net knows goes through the real ingest into Kafka,
/// is answered 200, is not dead-lettered, and its object lands in its resource's topic, keyed by it, unchanged
/// (SPEC §2, §3; behaviour.md, every object has a row). The whole catalogue is about 1.1 MB and a resource
/// topic holds at most a few hundred KB of it, far below the mock cluster's 5 MB per partition.
/// </summary>
[Collection(KafkaCollection.Name)]
public sealed class EveryEventTypeTests(KafkaFixture kafka, ITestOutputHelper output)
{
    [Theory]
    [InlineData("ObjectType")]
    [InlineData("EventType")]
    public async Task Every_event_type_is_answered_200_and_its_object_lands_in_its_topic_keyed_by_it(string routing)
    {
        var clock = Stopwatch.StartNew();
        var catalogue = EventCatalogue.Build();
        var resources = catalogue.Events.Select(e => e.Resource(routing)).Distinct(StringComparer.Ordinal).ToList();
        var source = new TestSource()
            .Set("Routing", routing)
            .Set("Resources", string.Join(",", resources))
            .Set("UnselectedResourceBehavior", "FAIL")
            .Set("IncludeEventMetadata", "false")
            .Set("FanOutFields", string.Empty);
        await using var server = await IngestServer.StartAsync(kafka, source.Settings);

        var failures = await catalogue.SendAllAsync(server, source);

        Assert.True(failures.Count == 0, "Not answered 200:\n" + string.Join("\n", failures));
        Assert.Equal(0L, kafka.Count(source.DeadLetterTopic));
        var records = ReadAll([.. resources.Select(source.Topic), source.Topic("unknown")]);
        var mismatches = new List<string>();
        foreach (var stripeEvent in catalogue.Events)
        {
            var topic = source.Topic(stripeEvent.Resource(routing));
            var landed = records.Where(r => r.Topic == topic && JsonNode.DeepEquals(JsonNode.Parse(r.Message.Key), new JsonObject { ["id"] = stripeEvent.Key })).ToList();
            if (landed.Count != 1)
            {
                mismatches.Add($"{stripeEvent.Type}: {landed.Count} records keyed {stripeEvent.Key} in {topic}");
                continue;
            }

            var value = JsonNode.Parse(landed[0].Message.Value)!;
            if (!JsonNode.DeepEquals(EventCatalogue.WithoutChangeFields(value), stripeEvent.Object))
            {
                mismatches.Add($"{stripeEvent.Type}: the value differs from the object");
            }

            if (value["__deleted"]?.GetValue<bool>() != stripeEvent.IsDelete)
            {
                mismatches.Add($"{stripeEvent.Type}: __deleted is {value["__deleted"]}");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        Assert.Equal(catalogue.Events.Count, records.Count);
        var largest = catalogue.Events.MaxBy(e => e.Payload.Length)!;
        output.WriteLine($"{catalogue.Events.Count} event types, {resources.Count} topics, {catalogue.Events.Sum(e => e.Payload.Length) / 1024} KB of events (largest {largest.Type}, {largest.Payload.Length / 1024} KB), {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Every record of the topics, read with one consumer up to each partition's end (every write was acknowledged before).</summary>
    private List<ConsumeResult<string, string>> ReadAll(IReadOnlyCollection<string> topics)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "every-event-type-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).SetLogHandler((_, _) => { }).Build();
        var partitions = topics.SelectMany(t => Enumerable.Range(0, 3).Select(p => new TopicPartition(t, p))).ToList();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var open = partitions.ToHashSet();
        var records = new List<ConsumeResult<string, string>>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (open.Count > 0 && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                open.Remove(result.TopicPartition);
            }
            else
            {
                records.Add(result);
            }
        }

        Assert.True(open.Count == 0, $"{open.Count} partitions were not read to their end");
        return records;
    }
}
