using System.Text;
using System.Text.Json;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests.Support;

/// <summary>One embedded 3-broker cluster shared by the snapshot tests; topics are read with a real consumer.</summary>
public sealed class KafkaFixture : EmbeddedKafkaFixture
{
    /// <summary>Every record a topic holds now; an unknown topic reads as empty.</summary>
    internal List<KafkaRecord> ReadRecords(string topic) =>
        [.. ReadAll(topic).Select(r => new KafkaRecord(
            r.Topic,
            r.Message.Key,
            r.Message.Value,
            r.Message.Headers.GroupBy(h => h.Key).ToDictionary(g => g.Key, g => Encoding.UTF8.GetString(g.Last().GetValueBytes())),
            new DateTimeOffset(r.Message.Timestamp.UtcDateTime, TimeSpan.Zero)))];
}

internal sealed record KafkaRecord(string Topic, byte[] Key, byte[] Value, Dictionary<string, string> Headers, DateTimeOffset Timestamp = default)
{
    public JsonElement KeyJson => JsonDocument.Parse(Key).RootElement;

    public JsonElement Json => JsonDocument.Parse(Value).RootElement;

    public string KeyId => KeyJson.GetProperty("id").GetString()!;

    public string? Header(string name) => Headers.GetValueOrDefault(name);
}

[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>
{
    public const string Name = "kafka";
}
