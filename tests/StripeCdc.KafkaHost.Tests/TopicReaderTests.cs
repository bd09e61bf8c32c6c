using StripeCdc.KafkaHost.Browsing;

namespace StripeCdc.KafkaHost.Tests;

[Collection(ClusterCollection.Name)]
public sealed class TopicReaderTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Topics_lists_each_topic_with_its_partitions_and_the_records_it_keeps()
    {
        var topic = await fixture.TopicWithAsync(("a", "1"), ("b", "2"), ("c", "3"));

        var summary = Assert.Single(new TopicReader(fixture.Cluster).Topics(), t => t.Name == topic);

        Assert.Equal(2, summary.Partitions);
        Assert.Equal(3, summary.Records);
    }

    [Fact]
    public async Task Latest_returns_the_newest_records_first_with_key_headers_and_value_up_to_the_limit()
    {
        var topic = await fixture.TopicWithAsync(("cus_1", "{\"v\":1}"), (null, "{\"v\":2}"), ("cus_3", "{\"v\":3}"));

        var records = new TopicReader(fixture.Cluster).Latest(topic, limit: 2);

        Assert.Equal(["{\"v\":3}", "{\"v\":2}"], records.Select(r => r.Value!));
        Assert.Equal("cus_3", records[0].Key);
        Assert.Null(records[1].Key);
        Assert.Equal("2", Assert.Single(records[0].Headers, h => h.Key == "n").Value);
        Assert.Equal([2L, 1L], records.Select(r => r.Offset).ToArray());
    }

    [Fact]
    public void Latest_of_an_unknown_topic_is_empty()
    {
        Assert.Empty(new TopicReader(fixture.Cluster).Latest("missing-" + Guid.NewGuid().ToString("N")[..8], limit: 20));
    }
}
