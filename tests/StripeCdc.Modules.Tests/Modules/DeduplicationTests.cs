using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Configuration;
using StripeCdc.Ledger;
using StripeCdc.Pipeline;
using StripeCdc.Records;
using StripeCdc.Sinks;
using StripeCdc.Testing;

namespace StripeCdc.Modules.Tests.Modules;

/// <summary>
/// SPEC §2's duplicate row and §6: the deduplication step acts on the sink's answer — a duplicate is skipped,
/// a written event is marked in the ledger, an event the sink committed with its ledger row needs nothing more.
/// </summary>
public sealed class DeduplicationTests
{
    private static readonly string Body = StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_d"), id: "evt_d");

    [Fact]
    public async Task A_written_event_is_marked_committed_once_the_sink_has_it()
    {
        var (pipeline, sources, ledger, sink) = Build(new AnsweringSink(SinkWriteResult.Written, writesLedger: false));

        var context = await ProcessAsync(pipeline, sources);

        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
        Assert.Equal(SinkWriteResult.Committed, context.SinkResult);
        Assert.Equal(1, ledger.Reads);
        Assert.True(await ledger.IsCommittedAsync("default", "evt_d"));
        Assert.Equal(1, sink.Writes);
    }

    [Fact]
    public async Task An_event_already_committed_is_skipped_before_any_record_is_written()
    {
        var (pipeline, sources, ledger, sink) = Build(new AnsweringSink(SinkWriteResult.Written, writesLedger: false));
        await ledger.MarkCommittedAsync("default", "evt_d");

        var context = await ProcessAsync(pipeline, sources);

        Assert.Equal(PipelineOutcome.Skipped, context.Outcome);
        Assert.Null(context.SinkResult);
        Assert.Equal(0, sink.Writes);
    }

    [Fact]
    public async Task A_sink_that_writes_the_ledger_row_answers_for_duplicates_and_the_ledger_is_neither_read_nor_marked()
    {
        var (pipeline, sources, ledger, _) = Build(new AnsweringSink(SinkWriteResult.Duplicate, writesLedger: true));

        var context = await ProcessAsync(pipeline, sources);

        Assert.Equal(PipelineOutcome.Skipped, context.Outcome);
        Assert.Equal(SinkWriteResult.Duplicate, context.SinkResult);
        Assert.Empty(context.Records);
        Assert.Equal((0, 0), (ledger.Reads, ledger.Marks));
    }

    [Fact]
    public async Task An_event_committed_with_its_records_needs_no_separate_mark()
    {
        var (pipeline, sources, ledger, _) = Build(new AnsweringSink(SinkWriteResult.Committed, writesLedger: true));

        var context = await ProcessAsync(pipeline, sources);

        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
        Assert.Equal(SinkWriteResult.Committed, context.SinkResult);
        Assert.Equal((0, 0), (ledger.Reads, ledger.Marks));
    }

    private static (RecordPipeline Pipeline, SourceCatalog Sources, InMemoryEventLedger Ledger, AnsweringSink Sink) Build(AnsweringSink sink)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(PipelineHarness.Source()).Build();
        var ledger = new InMemoryEventLedger();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IRecordSink>(sink);
        services.AddSingleton<IEventLedger>(ledger);
        services.AddStripeCdcPipeline(configuration);
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<RecordPipeline>(), provider.GetRequiredService<SourceCatalog>(), ledger, sink);
    }

    private static async Task<RecordContext> ProcessAsync(RecordPipeline pipeline, SourceCatalog sources)
    {
        var context = new RecordContext(sources.Get("default"), Encoding.UTF8.GetBytes(Body), signatureHeader: null, DateTimeOffset.UtcNow);
        await pipeline.ProcessAsync(context);
        return context;
    }

    private sealed class AnsweringSink(SinkWriteResult answer, bool writesLedger) : IRecordSink
    {
        private int _writes;

        public int Writes => _writes;

        public bool WritesLedger => writesLedger;

        public ValueTask<SinkWriteResult> WriteAsync(IReadOnlyList<OutgoingRecord> records, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _writes);
            return ValueTask.FromResult(answer);
        }
    }
}
