using System.Text;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Sinks.Postgres.Tests.Support;
using StripeCdc.Pipeline;
using StripeCdc.Replay;
using StripeCdc.Sinks;
using StripeCdc.Testing;

namespace StripeCdc.Sinks.Postgres.Tests;

/// <summary>SPEC §10: events are atomic (also in a shared transaction), the ledger dedupes for 30 days across restarts, the DLQ is a table.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresTransactionTests(PostgresFixture postgres)
{
    private const long T = 1_790_002_000;

    [Fact]
    public async Task Events_sharing_a_transaction_commit_all_or_nothing_each_and_a_refused_value_goes_to_the_DLQ_as_sink_error()
    {
        // One writer that waits for company: the six events below share a transaction.
        await using var host = await StartAsync(
            ("FanOutFields", "invoice.lines"),
            ("StripeCdc:Sinks:Postgres:Writers", "1"),
            ("StripeCdc:Sinks:Postgres:GroupCommitDelay", "00:00:00.500"));
        var bad = StripeObjects.Event("invoice.created", StripeObjects.Invoice("in_bad", lines: 3).Replace("(Tier 2)", "(Tier\\u00002)", StringComparison.Ordinal), id: "evt_bad", created: T);
        var good = Enumerable.Range(1, 5)
            .Select(i => StripeObjects.Event("invoice.created", StripeObjects.Invoice($"in_ok{i}", lines: 2), id: $"evt_ok{i}", created: T))
            .ToList();

        var contexts = await Task.WhenAll(good.Append(bad).Select(body => host.ProcessAsync(body)));

        Assert.All(contexts.Take(5), c => Assert.Equal(PipelineOutcome.Produced, c.Outcome));
        Assert.Equal(PipelineOutcome.DeadLettered, contexts[5].Outcome);
        Assert.Equal(5L, await host.ScalarAsync<long>("select count(*) from stripe.invoice"));
        Assert.Equal(10L, await host.ScalarAsync<long>("select count(*) from stripe.invoice_lines"));
        Assert.Equal(1L, await host.ScalarAsync<long>("select count(distinct xmin::text) from stripe_raw.invoice"));

        // Nothing of the refused event: no parent, no child, no ledger row.
        Assert.Equal(0L, await host.ScalarAsync<long>("select count(*) from stripe.invoice where id = 'in_bad'"));
        Assert.Equal(0L, await host.ScalarAsync<long>("select count(*) from stripe.invoice_lines where parent_id = 'in_bad'"));
        Assert.Equal(0L, await host.ScalarAsync<long>("select count(*) from stripe.event_ledger where event_id = 'evt_bad'"));
        var dlq = Assert.Single(await host.QueryAsync("select body, reason, error, source from stripe.stripe_dlq"));
        Assert.Equal(Encoding.UTF8.GetBytes(bad), (byte[])dlq[0]!);
        Assert.Equal("sink_error", dlq[1]);
        Assert.Contains("\\u0000", (string)dlq[2]!, StringComparison.Ordinal);
        Assert.Contains("22P05", (string)dlq[2]!, StringComparison.Ordinal);
        Assert.Equal("default", dlq[3]);

        // The sink carries on.
        Assert.Equal(PipelineOutcome.Produced, (await host.ProcessAsync(StripeObjects.Event("invoice.created", StripeObjects.Invoice("in_after", lines: 1), id: "evt_after", created: T))).Outcome);
    }

    [Fact]
    public async Task A_committed_event_id_is_not_applied_again_after_a_restart_for_30_days()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var body = StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_l", "l@example.com"), id: "evt_l", created: T);
        await using (var first = await PostgresHost.StartAsync(database))
        {
            Assert.Equal(PipelineOutcome.Produced, (await first.ProcessAsync(body)).Outcome);
        }

        await using var second = await PostgresHost.StartAsync(database);
        await second.QueryAsync("update stripe.customer set data = '{}'");
        await second.QueryAsync("update stripe.event_ledger set committed_at = now() - interval '29 days 23 hours'");
        await second.ProcessAsync(body);
        Assert.Equal("{}", await second.ScalarAsync<string>("select data::text from stripe.customer"));
        Assert.Equal(1L, await second.ScalarAsync<long>("select count(*) from stripe.event_ledger"));

        // Past the retention the id is forgotten and the event applies again.
        await second.QueryAsync("update stripe.event_ledger set committed_at = now() - interval '32 days'");
        Assert.Equal(PipelineOutcome.Produced, (await second.ProcessAsync(body)).Outcome);
        Assert.Equal("l@example.com", await second.ScalarAsync<string>("select data->>'email' from stripe.customer"));
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_event_apply_it_once_and_the_others_are_skipped_as_duplicates()
    {
        await using var host = await StartAsync(("FanOutFields", "invoice.lines"));
        var body = StripeObjects.Event("invoice.created", StripeObjects.Invoice("in_dup", lines: 2), id: "evt_dup", created: T);

        var contexts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.ProcessAsync(body)));
        var later = await host.ProcessAsync(body);

        // As with the Kafka sink's ledger: one delivery produced, every other one skipped (and its id already committed).
        Assert.Single(contexts, c => c.Outcome == PipelineOutcome.Produced);
        Assert.Equal(7, contexts.Count(c => c.Outcome == PipelineOutcome.Skipped && c.SinkResult == SinkWriteResult.Duplicate));
        Assert.Equal(PipelineOutcome.Skipped, later.Outcome);
        Assert.Equal(1L, await host.ScalarAsync<long>("select count(*) from stripe.event_ledger where event_id = 'evt_dup'"));
        Assert.Equal(2L, await host.ScalarAsync<long>("select count(*) from stripe.invoice_lines"));
    }

    [Fact]
    public async Task The_DLQ_table_keeps_the_body_byte_for_byte_and_the_replay_reads_from_it()
    {
        await using var host = await StartAsync(("SigningSecrets", "whsec_test"));
        var body = StripeObjects.Event("customer.created", StripeObjects.Customer("cus_q", "q@example.com"), id: "evt_q", created: T) + " \n";

        var rejected = await host.ProcessAsync(body, signature: "t=1,v1=00");

        Assert.Equal(PipelineOutcome.DeadLettered, rejected.Outcome);
        var dlq = Assert.Single(await host.QueryAsync("select body, reason, stripe_signature, replayed_at from stripe.stripe_dlq"));
        Assert.Equal(Encoding.UTF8.GetBytes(body), (byte[])dlq[0]!);
        Assert.Equal("signature", dlq[1]);
        Assert.Equal("t=1,v1=00", dlq[2]);
        Assert.Null(dlq[3]);

        var replayer = host.Services.GetRequiredService<DeadLetterReplayer>();
        var result = await replayer.ReplayAsync("default", skipSignatureCheck: true, CancellationToken.None);

        Assert.Equal(1, result.Replayed);
        Assert.Equal(1, result.Outcomes[PipelineOutcome.Produced]);
        Assert.Equal("q@example.com", await host.ScalarAsync<string>("select data->>'email' from stripe.customer where id = 'cus_q'"));
        Assert.NotNull(await host.ScalarAsync<DateTime?>("select replayed_at from stripe.stripe_dlq"));
        Assert.Equal(0, (await replayer.ReplayAsync("default", skipSignatureCheck: true, CancellationToken.None)).Replayed);
    }

    [Fact]
    public async Task Starting_twice_on_one_database_migrates_idempotently_and_adds_missing_columns()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        await using (var first = await PostgresHost.StartAsync(database))
        {
            await first.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_m"), id: "evt_m", created: T));
            await first.QueryAsync("alter table stripe_raw.customer drop column synced_at cascade");
        }

        await using var second = await PostgresHost.StartAsync(database);

        Assert.Equal(1L, await second.ScalarAsync<long>("select count(*) from stripe.customer where synced_at is not null"));
        var tables = (await second.QueryAsync("select table_name from information_schema.tables where table_schema = 'stripe' order by 1")).Select(r => (string)r[0]!).ToList();
        Assert.Contains("event_ledger", tables);
        Assert.Contains("stripe_dlq", tables);
        Assert.Contains("customer", tables);
        Assert.Contains("invoice", tables);
    }

    private async Task<PostgresHost> StartAsync(params (string Key, string? Value)[] settings) =>
        await PostgresHost.StartAsync(await postgres.Server.CreateDatabaseAsync(), settings);
}
