using System.Text;
using StripeCdc.Pipeline;
using StripeCdc.Records;
using StripeCdc.Sinks;
using StripeCdc.Testing;

namespace StripeCdc.Modules.Tests.Modules;

/// <summary>SPEC §2 rejection rows and §5: the DLQ record is the original body with its reason in headers.</summary>
public sealed class DeadLetterTests
{
    public static TheoryData<string, string> MalformedBodies => new()
    {
        { "not json at all", "not a JSON object" },
        { "[1,2,3]", "array" },
        { "\"a string\"", "string" },
        { """{"id":"evt_1","type":"customer.created","data":{"object":{"id":"cus_1"}""", "truncated" },
        { """{"type":"customer.created","data":{"object":{"id":"cus_1"}}}""", "no id" },
        { """{"id":"evt_1","data":{"object":{"id":"cus_1"}}}""", "no type" },
        { """{"id":"evt_1","type":"customer.created","data":{}}""", "no data.object" },
        { """{"id":"evt_1","type":"customer.created"}""", "no data" },
        { """{"id":1,"type":"customer.created","data":{"object":{}}}""", "numeric id" },
        { """{"id":"evt_1","type":["x"],"data":{"object":{}}}""", "array type" },
        { """{"id":"evt_1","type":"customer.created","data":{"object":"cus_1"}}""", "string data.object" },
        { """{"id":"evt_1","type":"customer.created","data":{"object":{}}} trailing""", "trailing content" },
        { "", "empty" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task A_body_that_is_not_an_event_is_dead_lettered_as_malformed(string body, string because)
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());

        var context = await harness.ProcessAsync(body);

        Assert.True(context.Outcome == PipelineOutcome.DeadLettered, because);
        var dlq = Assert.Single(harness.Sink.Records);
        Assert.Equal("malformed", dlq.Header("__dlq_reason"));
        Assert.Equal(Encoding.UTF8.GetBytes(body), dlq.Value);
    }

    [Fact]
    public async Task Deep_nesting_is_malformed()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());
        var body = """{"id":"evt_1","type":"customer.created","data":{"object":""" + new string('[', 5000) + new string(']', 5000) + "}}";

        var context = await harness.ProcessAsync(body);

        Assert.Equal("malformed", context.Rejection?.Reason);
    }

    [Fact]
    public async Task Invalid_utf8_is_malformed()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());
        var body = Encoding.UTF8.GetBytes("""{"id":"evt_1","type":"customer.created","data":{"object":{"name":"XX"}}}""");
        body[^6] = 0xC3; // a lead byte followed by an ASCII byte
        var context = new RecordContext(harness.Sources.Get("default"), body, null, DateTimeOffset.UtcNow);

        await harness.Pipeline.ProcessAsync(context);

        Assert.Equal("malformed", context.Rejection?.Reason);
        Assert.Equal(body, Assert.Single(harness.Sink.Records).Value);
    }

    [Fact]
    public async Task Thin_events_are_rejected_under_ThinEvents_Reject()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());
        var body = StripeObjects.ThinEvent();

        var context = await harness.ProcessAsync(body);

        Assert.Equal(PipelineOutcome.DeadLettered, context.Outcome);
        var dlq = Assert.Single(harness.Sink.Records);
        Assert.Equal("thin_event", dlq.Header("__dlq_reason"));
        Assert.Equal(body, Encoding.UTF8.GetString(dlq.Value));
    }

    [Fact]
    public async Task Dead_letter_headers_name_reason_error_source_and_time()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source("shop", ("DeadLetterQueue:Topic", "shop_dlq")));
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        await harness.ProcessAsync("{}", source: "shop");

        var dlq = Assert.Single(harness.Sink.Records);
        Assert.Equal("shop_dlq", dlq.Topic);
        Assert.Equal(RecordRole.DeadLetter, dlq.Role);
        Assert.Null(dlq.Key);
        Assert.Equal("malformed", dlq.Header("__dlq_reason"));
        Assert.Contains("id", dlq.Header("__dlq_error"), StringComparison.Ordinal);
        Assert.Equal("shop", dlq.Header("__dlq_source"));
        Assert.InRange(DateTimeOffset.Parse(dlq.Header("__dlq_received_at")!, System.Globalization.CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task With_the_DLQ_disabled_a_rejected_event_writes_nothing()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("DeadLetterQueue:Enabled", "false")));

        var context = await harness.ProcessAsync("{}");

        Assert.Equal(PipelineOutcome.Rejected, context.Outcome);
        Assert.Equal("malformed", context.Rejection?.Reason);
        Assert.Empty(harness.Sink.Records);
    }

    [Fact]
    public async Task A_permanent_sink_error_is_dead_lettered_as_sink_error()
    {
        var sink = new CapturingSink { FailWith = r => r.Role == RecordRole.Parent ? new SinkException("too large", isPermanent: true) : null };
        using var harness = new PipelineHarness(PipelineHarness.Source(), sink);
        var body = StripeObjects.Event("customer.created", StripeObjects.Customer());

        var context = await harness.ProcessAsync(body);

        Assert.Equal(PipelineOutcome.DeadLettered, context.Outcome);
        var dlq = Assert.Single(sink.Records);
        Assert.Equal("sink_error", dlq.Header("__dlq_reason"));
        Assert.Equal(body, Encoding.UTF8.GetString(dlq.Value));
    }

    [Fact]
    public async Task A_transient_sink_error_is_not_dead_lettered_but_surfaces_so_the_sender_retries()
    {
        var sink = new CapturingSink { FailWith = _ => new SinkException("brokers down", isPermanent: false) };
        using var harness = new PipelineHarness(PipelineHarness.Source(), sink);

        await Assert.ThrowsAsync<SinkException>(() => harness.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer())));
        Assert.Empty(sink.Records);
    }

    [Fact]
    public async Task A_failing_module_is_dead_lettered_as_module_error()
    {
        using var harness = new PipelineHarness(
            PipelineHarness.Source(settings: ("StripeCdc:ModuleAssemblies", typeof(DeadLetterTests).Assembly.Location)));
        var body = StripeObjects.Event("customer.created", StripeObjects.Customer("cus_explode"));

        var context = await harness.ProcessAsync(body);

        Assert.Equal(PipelineOutcome.DeadLettered, context.Outcome);
        var dlq = Assert.Single(harness.Sink.Records);
        Assert.Equal("module_error", dlq.Header("__dlq_reason"));
        Assert.Contains("boom", dlq.Header("__dlq_error"), StringComparison.Ordinal);
    }
}

/// <summary>A module of this test assembly that fails for one customer id.</summary>
internal sealed class ExplodingModule : IRecordModule
{
    public string Name => "Exploding";

    public int Order => ModuleOrder.Routing + 10;

    public ValueTask InvokeAsync(RecordContext context, RecordDelegate next) =>
        context.Event.ObjectId == "cus_explode" ? throw new InvalidOperationException("boom") : next(context);
}
