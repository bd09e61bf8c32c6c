using System.Diagnostics;
using StripeCdc.Ingest.Tests.Support;

namespace StripeCdc.Ingest.Tests.Hosting;

/// <summary>Issue 12.3: a topic that is missing and cannot be created stops start-up fast, with one clear line.</summary>
[Collection(KafkaCollection.Name)]
public sealed class TopicCreationTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Against_a_cluster_without_CreateTopics_a_missing_topic_exits_with_code_1_and_one_line_naming_topic_and_setting()
    {
        // The mock cluster has no CreateTopics API; nothing is pre-created for this deployment.
        var source = new TestSource();
        var settings = new Dictionary<string, string?>(source.Settings) { ["ConnectionStrings:kafka"] = kafka.BootstrapServers };

        var (exitCode, stderr, elapsed) = await ChildIngest.RunToExitAsync(settings, TimeSpan.FromSeconds(90));

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr, l => l.StartsWith("StripeCdc ingest cannot start:", StringComparison.Ordinal));
        Assert.Contains($"'{source.Prefix}", line, StringComparison.Ordinal);
        Assert.Contains("StripeCdc:Sources:default:", line, StringComparison.Ordinal);
        Assert.DoesNotContain(stderr, l => l.Contains("Unhandled exception", StringComparison.Ordinal));
        // The bound is 20 s; the margin is for a loaded 2-core box starting a .NET process.
        Assert.True(elapsed < TimeSpan.FromSeconds(60), $"took {elapsed}");
    }
}
