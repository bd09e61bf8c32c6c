using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeCdc.Ingest.Tests.Support;
using StripeCdc.Telemetry;
using StripeCdc.Testing;

namespace StripeCdc.Ingest.Tests.Postgres;

/// <summary>The ingest with <c>StripeCdc:Sink=Postgres</c> (SPEC §2 and §10) against a real PostgreSQL server, faults included.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresIngestTests(PostgresFixture postgres)
{
    [Fact]
    public async Task With_Sink_Postgres_the_ingest_answers_the_SPEC_2_table_as_with_Kafka_and_writes_queryable_tables()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var source = PostgresSource(database)
            .Set("StripeCdc:Sources:strict:ApiKey", "strict-key")
            .Set("StripeCdc:Sources:strict:UnselectedResourceBehavior", "FAIL");
        await using var server = await IngestServer.StartAsync(source.Settings);
        var client = server.Client;
        var customer = StripeObjects.Event("customer.created", StripeObjects.Customer("cus_pg", "pg@example.com"), StripeEvents.NewId());

        // Rows 1–4: refused before the body is looked at; nothing written.
        using var unknown = await client.SendAsync(StripeEvents.Request($"/webhooks/stripe/nope?api_key={source.ApiKey}", Encoding.UTF8.GetBytes(customer), StripeEvents.Sign(customer)));
        using var wrongKey = await client.SendAsync(StripeEvents.Request(source, customer, apiKey: "wrong"));
        var large = StripeEvents.Request(source, customer);
        large.Headers.TryAddWithoutValidation("X-Padding", new string('a', 65 * 1024));
        using var largeHeaders = await client.SendAsync(large);
        using var tooLarge = await client.SendAsync(StripeEvents.Request(source.Url(), new byte[(50 * 1024 * 1024) + 1], StripeEvents.Sign(customer)));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, largeHeaders.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal(0L, await ScalarAsync<long>(database, "select count(*) from stripe.customer"));
        Assert.Equal(0L, await ScalarAsync<long>(database, "select count(*) from stripe.stripe_dlq"));

        // Rows 5–7: 400, and the body byte for byte in the DLQ table with its reason.
        var thin = StripeObjects.ThinEvent(id: StripeEvents.NewId());
        using var badSignature = await client.SendAsync(StripeEvents.Request(source, customer, StripeEvents.Sign(customer, "whsec_other")));
        using var malformed = await client.SendAsync(StripeEvents.Request(source, "[]"));
        using var thinEvent = await client.SendAsync(StripeEvents.Request(source, thin));
        Assert.Equal(HttpStatusCode.BadRequest, badSignature.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, thinEvent.StatusCode);
        var dlq = await QueryAsync(database, "select reason, body from stripe.stripe_dlq order by id");
        Assert.Equal(["signature", "malformed", "thin_event"], dlq.Select(r => (string)r[0]!).ToArray());
        Assert.Equal([customer, "[]", thin], dlq.Select(r => Encoding.UTF8.GetString((byte[])r[1]!)).ToArray());

        // Row 8: an unselected resource under FAIL is 200 once the DLQ took it.
        var product = StripeObjects.Event("product.created", "{\"id\":\"prod_1\",\"object\":\"product\"}", StripeEvents.NewId());
        using var unselected = await client.SendAsync(StripeEvents.Request($"/webhooks/stripe/strict?api_key=strict-key", Encoding.UTF8.GetBytes(product), null));
        Assert.Equal(HttpStatusCode.OK, unselected.StatusCode);
        Assert.Equal(1L, await ScalarAsync<long>(database, "select count(*) from stripe.stripe_dlq where reason = 'unselected_resource' and source = 'strict'"));

        // Rows 11 and 9: 200 {"received":true} once the rows are committed; a duplicate adds nothing.
        var invoiceId = StripeEvents.NewId();
        var invoice = StripeEvents.InvoicePaid(invoiceId, lines: 3);
        using var valid = await client.SendAsync(StripeEvents.Request(source, customer));
        using var withLines = await client.SendAsync(StripeEvents.Request(source, invoice));
        var afterFirst = await ScalarAsync<DateTime>(database, "select synced_at from stripe.invoice");
        using var duplicate = await client.SendAsync(StripeEvents.Request(source, invoice));
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal("{\"received\":true}", await valid.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, withLines.StatusCode);
        Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        Assert.Equal(afterFirst, await ScalarAsync<DateTime>(database, "select synced_at from stripe.invoice"));
        Assert.Equal(3L, await ScalarAsync<long>(database, "select count(*) from stripe.invoice_lines"));
        Assert.Equal(1L, await ScalarAsync<long>(database, $"select count(*) from stripe.event_ledger where event_id = '{invoiceId}'"));
        Assert.Equal(4L, await ScalarAsync<long>(database, "select count(*) from stripe.stripe_dlq"));

        // What a SQL user runs.
        var emails = await QueryAsync(database, "select data->>'email' from stripe.customer where not deleted");
        Assert.Equal("pg@example.com", Assert.Single(emails)[0]);
    }

    [Fact]
    public async Task A_duplicate_delivery_is_counted_as_skipped_not_produced_as_with_the_Kafka_sink()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var source = PostgresSource(database);
        await using var server = await IngestServer.StartAsync(source.Settings);
        var statistics = server.App.Services.GetRequiredService<PipelineStatistics>();
        var invoice = StripeEvents.InvoicePaid(StripeEvents.NewId(), lines: 2);

        using var first = await server.Client.SendAsync(StripeEvents.Request(source, invoice));
        using var second = await server.Client.SendAsync(StripeEvents.Request(source, invoice));
        using var third = await server.Client.SendAsync(StripeEvents.Request(source, invoice));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        var stats = statistics.Snapshot();
        Assert.Equal(1L, stats.EventsByOutcome.GetValueOrDefault("produced"));
        Assert.Equal(2L, stats.EventsByOutcome.GetValueOrDefault("skipped"));
        Assert.Equal(1L, stats.RecordsByTopic.GetValueOrDefault("invoice"));
        Assert.Equal(2L, stats.RecordsByTopic.GetValueOrDefault("invoice_lines"));
        Assert.Equal(1L, await ScalarAsync<long>(database, "select count(*) from stripe.event_ledger"));
    }

    [Fact]
    public async Task Database_down_answers_503_with_Retry_After_like_Kafka_and_the_redelivery_lands()
    {
        using var own = PostgresServer.Start(new Dictionary<string, string> { ["fsync"] = "off" });
        var database = await own.CreateDatabaseAsync();
        var source = PostgresSource(database).Set("StripeCdc:Ingest:CommitDeadline", "00:00:02");
        await using var server = await IngestServer.StartAsync(source.Settings);
        var eventId = StripeEvents.NewId();
        var payload = StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_down", "down@example.com"), eventId);
        using (var warmUp = await server.Client.SendAsync(StripeEvents.Request(source, StripeEvents.CustomerCreated())))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        own.Stop();
        HttpResponseMessage whileDown;
        try
        {
            whileDown = await server.Client.SendAsync(StripeEvents.Request(source, payload));
        }
        finally
        {
            own.StartServer();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileDown.StatusCode);
        Assert.NotNull(whileDown.Headers.RetryAfter);
        Assert.Equal(0L, await ScalarAsync<long>(database, $"select count(*) from stripe.event_ledger where event_id = '{eventId}'"));
        Assert.Equal(0L, await ScalarAsync<long>(database, "select count(*) from stripe.stripe_dlq"));

        // Stripe redelivers with a fresh signature; the pool reconnects.
        HttpStatusCode redelivered = 0;
        Assert.True(await Eventually.HoldsAsync(
            async () =>
            {
                using var retry = await server.Client.SendAsync(StripeEvents.Request(source, payload));
                redelivered = retry.StatusCode;
                return redelivered == HttpStatusCode.OK;
            },
            TimeSpan.FromSeconds(30)), $"the redelivery answered {redelivered}");
        Assert.Equal("down@example.com", await ScalarAsync<string>(database, "select data->>'email' from stripe.customer where id = 'cus_down'"));
    }

    [Fact]
    public async Task A_value_Postgres_refuses_goes_to_the_DLQ_as_sink_error_and_the_ingest_carries_on()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var source = PostgresSource(database);
        await using var server = await IngestServer.StartAsync(source.Settings);
        var refused = StripeObjects.Event("customer.created", StripeObjects.Customer("cus_nul", "nul\\u0000@example.com"), StripeEvents.NewId());

        using var response = await server.Client.SendAsync(StripeEvents.Request(source, refused));
        var sends = Enumerable.Range(0, 10).Select(_ => server.Client.SendAsync(StripeEvents.Request(source, StripeEvents.CustomerCreated()))).ToList();
        var after = await Task.WhenAll(sends);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(after, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var dlq = Assert.Single(await QueryAsync(database, "select reason, error, body from stripe.stripe_dlq"));
        Assert.Equal("sink_error", dlq[0]);
        Assert.Contains("\\u0000", (string)dlq[1]!, StringComparison.Ordinal);
        Assert.Equal(refused, Encoding.UTF8.GetString((byte[])dlq[2]!));
        Assert.Equal(0L, await ScalarAsync<long>(database, "select count(*) from stripe.customer where id = 'cus_nul'"));
        Assert.Equal(10L, await ScalarAsync<long>(database, "select count(*) from stripe.customer"));
    }

    [Fact]
    public async Task Every_event_answered_2xx_is_in_its_tables_after_SIGKILL_and_no_event_is_partial()
    {
        var database = await postgres.Server.CreateDatabaseAsync();
        var source = PostgresSource(database);
        using var child = await ChildIngest.StartAsync(source.Settings);
        var acknowledged = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();

        var senders = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var eventId = StripeEvents.NewId();
                try
                {
                    using var response = await child.Client.SendAsync(StripeEvents.Request(source, StripeEvents.InvoicePaid(eventId, lines: 4)));
                    if (response.IsSuccessStatusCode)
                    {
                        acknowledged.Add(eventId);
                    }
                }
                catch (HttpRequestException)
                {
                    return;
                }
                catch (TaskCanceledException)
                {
                    return;
                }
            }
        })).ToList();

        await Eventually.HoldsAsync(() => Task.FromResult(acknowledged.Count >= 200), TimeSpan.FromSeconds(30));
        child.Process.Kill();
        await child.Process.WaitForExitAsync();
        await stop.CancelAsync();
        await Task.WhenAll(senders);

        var invoices = (await QueryAsync(database, "select event_id from stripe.invoice")).Select(r => (string)r[0]!).ToHashSet();
        Assert.True(acknowledged.Count >= 200, $"only {acknowledged.Count} events were acknowledged before the kill");
        Assert.All(acknowledged, id => Assert.Contains(id, invoices));

        // Atomic: every committed event has its ledger row, its invoice and all four lines; nothing else exists.
        Assert.Equal(0L, await ScalarAsync<long>(database, """
            select count(*) from stripe.invoice i
            where (select count(*) from stripe.invoice_lines l where l.parent_id = i.id and l.event_id = i.event_id) <> 4
               or not exists (select from stripe.event_ledger e where e.event_id = i.event_id)
            """));
        Assert.Equal(0L, await ScalarAsync<long>(database, """
            select count(*) from stripe.event_ledger e where not exists (select from stripe.invoice i where i.event_id = e.event_id)
            """));
    }

    private static TestSource PostgresSource(string database) => new TestSource()
        .Set("TopicPrefix", string.Empty)
        .Set("StripeCdc:Sink", "Postgres")
        .Set("ConnectionStrings:postgres", database);

    private static async Task<List<object?[]>> QueryAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql) => (T)(await QueryAsync(connectionString, sql))[0][0]!;
}
