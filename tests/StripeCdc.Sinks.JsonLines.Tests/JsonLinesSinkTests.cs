using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Pipeline;
using StripeCdc.Sinks;
using StripeCdc.Testing;

namespace StripeCdc.Sinks.JsonLines.Tests;

/// <summary>The second sink: proves the sink seam by writing one JSON-lines file per topic.</summary>
public sealed class JsonLinesSinkTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "stripecdc-jsonl-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Each_record_becomes_a_line_in_its_topics_file()
    {
        using var harness = Harness(("FanOutFields", "charge.refunds"));

        await harness.ProcessAsync(StripeObjects.Event("charge.refunded", StripeObjects.Charge("ch_j", refunds: 2), id: "evt_j"));

        var charge = JsonDocument.Parse(Assert.Single(File.ReadAllLines(Path.Combine(_folder, "charge.jsonl")))).RootElement;
        Assert.Equal("ch_j", charge.GetProperty("key").GetProperty("id").GetString());
        Assert.Equal("u", charge.GetProperty("headers").GetProperty("__op").GetString());
        Assert.Equal("evt_j", charge.GetProperty("value").GetProperty("_event_id").GetString());
        Assert.Equal(2, File.ReadAllLines(Path.Combine(_folder, "charge_refunds.jsonl")).Length);
    }

    [Fact]
    public async Task A_dead_letter_value_is_kept_byte_for_byte()
    {
        using var harness = Harness();
        const string body = "{\"not\": \"an event\"}\n";

        var context = await harness.ProcessAsync(body);

        Assert.Equal(PipelineOutcome.DeadLettered, context.Outcome);
        var line = JsonDocument.Parse(Assert.Single(File.ReadAllLines(Path.Combine(_folder, "stripe_dlq.jsonl")))).RootElement;
        Assert.Equal(Encoding.UTF8.GetBytes(body), line.GetProperty("value_base64").GetBytesFromBase64());
        Assert.Equal("malformed", line.GetProperty("headers").GetProperty("__dlq_reason").GetString());
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private PipelineHarness Harness(params (string Key, string? Value)[] settings)
    {
        var configuration = PipelineHarness.Source(settings: settings);
        configuration["StripeCdc:Sinks:JsonLines:Folder"] = _folder;
        var sink = new ServiceCollection()
            .AddJsonLinesSink(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build())
            .BuildServiceProvider()
            .GetRequiredService<IRecordSink>();
        return new PipelineHarness(configuration, sink);
    }
}
