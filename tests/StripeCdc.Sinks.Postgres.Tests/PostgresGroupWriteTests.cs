using System.Text;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Sinks.Postgres.Tests.Support;
using StripeCdc.Records;
using StripeCdc.Sinks.Postgres;
using StripeCdc.Telemetry;
using StripeCdc.Testing;

namespace StripeCdc.Sinks.Postgres.Tests;

/// <summary>
/// The set-based group write folds the events of one transaction in memory: it must give the same rows,
/// outcomes and counters as applying them one by one in arrival order (SPEC §10).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresGroupWriteTests(PostgresFixture postgres)
{
    private const long T = 1_790_003_000;

    [Fact]
    public async Task Events_about_one_object_in_one_transaction_meet_the_guard_in_arrival_order()
    {
        await using var host = await StartAsync();
        var sink = host.Services.GetRequiredService<PostgresGroupCommit>();

        // Queued in this order, committed together.
        var writes = new[]
        {
            sink.WriteAsync([Customer("evt_g1", "customer.updated", T + 10, "a@example.com")], CancellationToken.None),
            sink.WriteAsync([Customer("evt_g2", "customer.updated", T + 5, "older@example.com")], CancellationToken.None),
            sink.WriteAsync([Customer("evt_g3", "customer.updated", T + 10, "tie@example.com")], CancellationToken.None),
            sink.WriteAsync([Customer("evt_g3", "customer.updated", T + 10, "again@example.com")], CancellationToken.None),
            sink.WriteAsync([Customer("evt_g4", "customer.deleted", T + 20, "deleted@example.com", isDelete: true)], CancellationToken.None),
            sink.WriteAsync([Customer("evt_g5", "customer.updated", T + 20, "resurrected@example.com")], CancellationToken.None),
        };
        await Task.WhenAll(writes);

        var row = Assert.Single(await host.QueryAsync("select data->>'email', event_id, deleted from stripe.customer where id = 'cus_g'"));
        Assert.Equal("deleted@example.com", row[0]);
        Assert.Equal("evt_g4", row[1]);
        Assert.Equal(true, row[2]);
        var metrics = host.Services.GetRequiredService<PostgresSinkMetrics>();
        Assert.Equal(2, metrics.Total(OutcomeNames.Stale));
        Assert.Equal(1, metrics.Total(OutcomeNames.Tie));
        Assert.Equal(3, metrics.Total(OutcomeNames.Applied));
        Assert.Equal(5L, await host.ScalarAsync<long>("select count(*) from stripe.event_ledger"));
        Assert.Equal(1L, await host.ScalarAsync<long>("select count(distinct xmin::text) from stripe.event_ledger"));
    }

    [Fact]
    public async Task Child_sets_of_one_parent_in_one_transaction_replace_and_add_as_if_applied_one_by_one()
    {
        await using var host = await StartAsync(("FanOutFields", "invoice.lines"));
        var sink = host.Services.GetRequiredService<PostgresGroupCommit>();
        await sink.WriteAsync(Invoice("evt_f0", T, complete: true, "il_0"), CancellationToken.None);

        var writes = new[]
        {
            sink.WriteAsync(Invoice("evt_f1", T + 1, complete: true, "il_1", "il_2"), CancellationToken.None),
            sink.WriteAsync(Invoice("evt_f2", T + 2, complete: true, "il_3"), CancellationToken.None),
            sink.WriteAsync(Invoice("evt_f3", T + 3, complete: false, "il_4"), CancellationToken.None),
            sink.WriteAsync(Invoice("evt_stale", T, complete: true, "il_9"), CancellationToken.None),
        };
        await Task.WhenAll(writes);

        var children = await host.QueryAsync("select id, event_id from stripe.invoice_lines where parent_id = 'in_f' order by id");
        Assert.Equal(["il_3:evt_f2", "il_4:evt_f3"], children.Select(c => $"{c[0]}:{c[1]}"));
        Assert.Equal("evt_f3", await host.ScalarAsync<string>("select event_id from stripe.invoice where id = 'in_f'"));
        Assert.Equal(1, host.Services.GetRequiredService<PostgresSinkMetrics>().Total(OutcomeNames.Stale));
    }

    private static OutgoingRecord Customer(string eventId, string type, long created, string email, bool isDelete = false) =>
        new("customer", RecordKeys.ForObject("cus_g"), Encoding.UTF8.GetBytes(StripeObjects.Customer("cus_g", email)))
        {
            Origin = new RecordOrigin("default", eventId, type, DateTimeOffset.FromUnixTimeSeconds(created), isDelete, IsSnapshot: false),
        };

    private static OutgoingRecord[] Invoice(string eventId, long created, bool complete, params string[] lines)
    {
        var origin = new RecordOrigin("default", eventId, "invoice.updated", DateTimeOffset.FromUnixTimeSeconds(created), IsDelete: false, IsSnapshot: false);
        var parent = new OutgoingRecord("invoice", RecordKeys.ForObject("in_f"), Encoding.UTF8.GetBytes(StripeObjects.Invoice("in_f", lines: 0)))
        {
            Origin = origin,
            CompleteChildTopics = complete ? ["invoice_lines"] : null,
        };
        return [parent, .. lines.Select(line => new OutgoingRecord("invoice_lines", RecordKeys.ForChild("in_f", line), Encoding.UTF8.GetBytes($$"""{"id":"{{line}}"}"""), RecordRole.Child) { Origin = origin })];
    }

    // One writer that waits for company: the writes of a test share a transaction.
    private async Task<PostgresHost> StartAsync(params (string Key, string? Value)[] settings) =>
        await PostgresHost.StartAsync(
            await postgres.Server.CreateDatabaseAsync(),
            [.. settings, ("StripeCdc:Sinks:Postgres:Writers", "1"), ("StripeCdc:Sinks:Postgres:GroupCommitDelay", "00:00:00.500")]);
}
