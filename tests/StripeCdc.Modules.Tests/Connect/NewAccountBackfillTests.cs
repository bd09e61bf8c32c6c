using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StripeCdc.Configuration;
using StripeCdc.Connect;
using StripeCdc.Pipeline;
using StripeCdc.Sinks;
using StripeCdc.Testing;

namespace StripeCdc.Modules.Tests.Connect;

/// <summary>
/// SPEC §12, <c>ConnectBackfillNewAccounts</c>, the ingest's half: an account first seen stores one backfill request
/// before the event is acknowledged; the event never fails because of it.
/// </summary>
public sealed class NewAccountBackfillTests
{
    private const string A = "acct_1NewAccountA";
    private const string B = "acct_1NewAccountB";

    [Fact]
    public async Task An_event_of_an_unknown_account_stores_one_request_and_later_events_of_it_store_none()
    {
        var requests = new RecordingRequests();
        using var pipeline = Build(requests);

        var first = await pipeline.ProcessAsync(CustomerEvent("evt_1", A));
        await pipeline.ProcessAsync(CustomerEvent("evt_2", A));
        await pipeline.ProcessAsync(CustomerEvent("evt_3", A));

        Assert.Equal(PipelineOutcome.Produced, first.Outcome);
        var request = Assert.Single(requests.Written);
        Assert.Equal(("default", A), (request.Source, request.Account));
        Assert.Equal(3, pipeline.Sink.Records.Count(r => r.Topic == "customer"));
    }

    [Fact]
    public async Task An_account_application_authorized_event_stores_a_request()
    {
        var requests = new RecordingRequests();
        using var pipeline = Build(requests);

        await pipeline.ProcessAsync(StripeObjects.Event("account.application.authorized", """{"id":"ca_1Platform","object":"application","name":"Platform"}""", id: "evt_auth", account: B));

        Assert.Equal([B], requests.Written.Select(r => r.Account));
    }

    [Fact]
    public async Task Accounts_the_store_already_holds_are_known_from_the_start()
    {
        var requests = new RecordingRequests();
        requests.Written.Enqueue(new AccountBackfillRequest("default", A, DateTimeOffset.UnixEpoch, 1));
        using var pipeline = Build(requests);

        await pipeline.ProcessAsync(CustomerEvent("evt_1", A));

        Assert.Single(requests.Written);
    }

    [Fact]
    public async Task With_the_setting_off_nothing_is_requested()
    {
        var requests = new RecordingRequests();
        using var pipeline = Build(requests, backfill: false);

        await pipeline.ProcessAsync(CustomerEvent("evt_1", A));

        Assert.Empty(requests.Written);
        Assert.Single(pipeline.Sink.Records);
    }

    [Fact]
    public async Task The_platforms_own_events_and_snapshot_reads_request_nothing()
    {
        var requests = new RecordingRequests();
        using var pipeline = Build(requests);

        await pipeline.ProcessAsync(CustomerEvent("evt_platform", account: null));
        await pipeline.ProcessAsync(CustomerEvent("evt_read", A), kind: RecordKind.Snapshot);

        Assert.Empty(requests.Written);
    }

    [Fact]
    public async Task A_request_that_cannot_be_stored_leaves_the_event_produced_and_the_next_event_asks_again()
    {
        var requests = new RecordingRequests { Fail = true };
        using var pipeline = Build(requests);

        var failed = await pipeline.ProcessAsync(CustomerEvent("evt_1", A));
        requests.Fail = false;
        await pipeline.ProcessAsync(CustomerEvent("evt_2", A));

        Assert.Equal(PipelineOutcome.Produced, failed.Outcome);
        Assert.Equal(2, requests.Attempts);
        Assert.Single(requests.Written);
        Assert.Equal(2, pipeline.Sink.Records.Count);
    }

    [Fact]
    public void The_setting_without_Connect_fails_at_start_up_naming_both_settings()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Build(new RecordingRequests(), connect: false));

        var failure = Assert.Single(ex.Failures);
        Assert.Contains("StripeCdc:Sources:default:ConnectBackfillNewAccounts needs StripeCdc:Sources:default:Connect=true", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void The_setting_with_a_sink_that_keeps_no_requests_fails_at_start_up_naming_the_sink()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Build(requests: null));

        var failure = Assert.Single(ex.Failures);
        Assert.Contains("ConnectBackfillNewAccounts needs a sink that keeps backfill requests (Kafka or Postgres)", failure, StringComparison.Ordinal);
    }

    private static string CustomerEvent(string id, string? account) =>
        StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_1", "a@example.com"), id: id, account: account);

    private static Pipeline Build(RecordingRequests? requests, bool backfill = true, bool connect = true)
    {
        var settings = PipelineHarness.Source(settings: [("Connect", connect ? "true" : "false"), ("ConnectBackfillNewAccounts", backfill ? "true" : "false"), ("Resources", "customer")]);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        var sink = new CapturingSink();
        services.AddSingleton<IRecordSink>(sink);
        if (requests is not null)
        {
            services.AddSingleton<IAccountBackfillRequests>(requests);
        }

        services.AddStripeCdcPipeline(configuration);
        var provider = services.BuildServiceProvider(validateScopes: true);
        try
        {
            _ = provider.GetRequiredService<IOptions<StripeCdcOptions>>().Value;
        }
        catch
        {
            provider.Dispose();
            throw;
        }

        return new Pipeline(provider, sink);
    }

    private sealed class Pipeline(ServiceProvider services, CapturingSink sink) : IDisposable
    {
        public CapturingSink Sink { get; } = sink;

        public async Task<RecordContext> ProcessAsync(string body, RecordKind kind = RecordKind.Change)
        {
            var source = services.GetRequiredService<SourceCatalog>().Get("default");
            var context = new RecordContext(source, Encoding.UTF8.GetBytes(body), null, DateTimeOffset.UtcNow, kind) { SkipSignatureCheck = true };
            await services.GetRequiredService<RecordPipeline>().ProcessAsync(context);
            return context;
        }

        public void Dispose() => services.Dispose();
    }

    private sealed class RecordingRequests : IAccountBackfillRequests
    {
        private int _attempts;

        public ConcurrentQueue<AccountBackfillRequest> Written { get; } = new();

        public bool Fail { get; set; }

        public int Attempts => _attempts;

        public ValueTask RequestAsync(AccountBackfillRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            if (Fail)
            {
                throw new SinkException("the store is down", isPermanent: false);
            }

            Written.Enqueue(request with { Position = Written.Count + 1 });
            return ValueTask.CompletedTask;
        }

        public ValueTask<IReadOnlyList<AccountBackfillRequest>> ReadAsync(long position, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<AccountBackfillRequest>>([.. Written.Where(r => r.Position > position)]);
    }
}
