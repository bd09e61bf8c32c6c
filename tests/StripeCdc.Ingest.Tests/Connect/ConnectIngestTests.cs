using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeCdc.Ingest.Tests.Support;
using StripeCdc.Telemetry;
using StripeCdc.Testing;

namespace StripeCdc.Ingest.Tests.Connect;

/// <summary>
/// SPEC §12 through the ingest: a platform runs two sources, its own endpoint (<c>default</c>) and its Connect
/// endpoint (<c>connect</c>, <c>Connect=true</c>), into the same topics. Two connected accounts' objects of one id,
/// and their balances, are separate keys (Kafka) and separate rows (Postgres); the platform's keep <c>{"id"}</c>.
/// </summary>
public sealed class ConnectIngestTests
{
    private const long T = 1_790_006_000;
    private const string A = "acct_1IngestConnA";
    private const string B = "acct_1IngestConnB";

    [Collection(KafkaCollection.Name)]
    public sealed class WithKafka(KafkaFixture kafka)
    {
        [Fact]
        public async Task Connected_accounts_objects_of_one_id_are_separate_keys_and_the_platforms_keep_the_id_key()
        {
            var (platform, connect) = Sources(new TestSource(), "customer,invoice,balance");
            await using var server = await IngestServer.StartAsync(kafka, platform.Settings);

            await SendAllAsync(server.Client, platform, connect);

            var customers = kafka.Read(platform.Topic("customer"), 4);
            Assert.Equal(
                [
                    $$"""{"account":"{{A}}","id":"cus_same"}""",
                    $$"""{"account":"{{B}}","id":"cus_same"}""",
                    """{"id":"cus_same"}""",
                    """{"id":"cus_same"}""",
                ],
                customers.Select(r => Encoding.UTF8.GetString(r.Message.Key)).Order(StringComparer.Ordinal));
            var ofA = Assert.Single(customers, r => Encoding.UTF8.GetString(r.Message.Key).Contains(A, StringComparison.Ordinal));
            Assert.Contains($"\"_account\":\"{A}\"", Encoding.UTF8.GetString(ofA.Message.Value), StringComparison.Ordinal);

            var balances = kafka.Read(platform.Topic("balance"), 2);
            Assert.Equal(
                [$$"""{"account":"{{A}}","id":"balance"}""", $$"""{"account":"{{B}}","id":"balance"}"""],
                balances.Select(r => Encoding.UTF8.GetString(r.Message.Key)).Order(StringComparer.Ordinal));

            var lines = kafka.Read(platform.Topic("invoice_lines"), 2);
            Assert.All(lines, line => Assert.StartsWith($$"""{"account":"{{A}}","id":"in_same","item_id":""", Encoding.UTF8.GetString(line.Message.Key), StringComparison.Ordinal));

            var dlq = Assert.Single(kafka.Read(platform.DeadLetterTopic, 1));
            Assert.True(dlq.Message.Headers.TryGetLastBytes("__dlq_account", out var account));
            Assert.Equal(A, Encoding.UTF8.GetString(account));
        }
        [Fact]
        public async Task Events_are_counted_as_platform_or_connected_never_by_account_id()
        {
            var (platform, connect) = Sources(new TestSource(), "customer,invoice,balance");
            await using var server = await IngestServer.StartAsync(kafka, platform.Settings);
            var meterFactory = server.App.Services.GetRequiredService<IMeterFactory>();
            var events = new ConcurrentQueue<(string? Source, string? Kind)>();
            var tagValues = new ConcurrentBag<string>();
            using var listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (ReferenceEquals(instrument.Meter.Scope, meterFactory) && instrument.Meter.Name == StripeCdcTelemetry.MeterName)
                    {
                        l.EnableMeasurementEvents(instrument);
                    }
                },
            };
            listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
            {
                string? source = null, kind = null;
                foreach (var tag in tags)
                {
                    tagValues.Add(tag.Value?.ToString() ?? "");
                    source = tag.Key == "stripecdc.source" ? (string?)tag.Value : source;
                    kind = tag.Key == AccountKind.TagName ? (string?)tag.Value : kind;
                }

                if (instrument.Name == "stripecdc.events")
                {
                    events.Enqueue((source, kind));
                }
            });
            listener.Start();

            await SendAllAsync(server.Client, platform, connect);

            // On the Connect endpoint: six events of A or B and the platform's own; the plain endpoint's event is the platform's whatever it says.
            Assert.Equal(
                [("connect", AccountKind.Connected), ("connect", AccountKind.Platform), ("default", AccountKind.Platform)],
                events.GroupBy(e => e).Select(g => g.Key).Order());
            Assert.Equal(6, events.Count(e => e == ("connect", AccountKind.Connected)));
            Assert.DoesNotContain(tagValues, v => v.Contains("acct_", StringComparison.Ordinal));
        }
    }

    [Collection(PostgresCollection.Name)]
    public sealed class WithPostgres(PostgresFixture postgres)
    {
        [Fact]
        public async Task Connected_accounts_objects_of_one_id_are_separate_rows_and_the_platforms_has_account_empty()
        {
            var database = await postgres.Server.CreateDatabaseAsync();
            var (platform, connect) = Sources(
                new TestSource().Set("TopicPrefix", string.Empty).Set("StripeCdc:Sink", "Postgres").Set("ConnectionStrings:postgres", database),
                "customer,invoice,balance");
            await using var server = await IngestServer.StartAsync(platform.Settings);

            await SendAllAsync(server.Client, platform, connect);

            var customers = await QueryAsync(database, "select account, id, event_id from stripe.customer order by account");
            Assert.Equal(["|cus_same|evt_plain_acct", $"{A}|cus_same|evt_ca", $"{B}|cus_same|evt_cb"], customers.Select(r => string.Join('|', r)));
            var balances = await QueryAsync(database, "select account, id from stripe.balance order by account");
            Assert.Equal([$"{A}|balance", $"{B}|balance"], balances.Select(r => string.Join('|', r)));
            var lines = await QueryAsync(database, "select account, count(*) from stripe.invoice_lines group by account");
            Assert.Equal([$"{A}|2"], lines.Select(r => string.Join('|', r)));
            var dlq = await QueryAsync(database, "select account, source, reason from stripe.stripe_dlq");
            Assert.Equal([$"{A}|connect|unselected_resource"], dlq.Select(r => string.Join('|', r)));
        }
    }

    /// <summary>The platform's own source and its Connect source in one deployment, writing the same topics.</summary>
    private static (TestSource Platform, TestSource Connect) Sources(TestSource platform, string resources)
    {
        var connect = new TestSource("connect")
            .Set("Connect", "true")
            .Set("Resources", resources)
            .Set("TopicPrefix", platform.Settings["StripeCdc:Sources:default:TopicPrefix"])
            .Set("UnselectedResourceBehavior", "FAIL");
        platform.Set("Resources", resources);
        foreach (var (key, value) in connect.Settings)
        {
            if (!key.StartsWith("StripeCdc:Sources:", StringComparison.Ordinal))
            {
                continue;
            }

            platform.Settings[key] = value;
        }

        return (platform, connect);
    }

    /// <summary>
    /// In order: both accounts' customer <c>cus_same</c>, the platform's own (on the Connect endpoint, without
    /// <c>account</c>), an event with <c>account</c> on the platform's non-Connect endpoint, both balances,
    /// an invoice of A with two lines, and a payout of A that the Connect source dead-letters.
    /// </summary>
    private static async Task SendAllAsync(HttpClient client, TestSource platform, TestSource connect)
    {
        var bodies = new (TestSource Source, string Body)[]
        {
            (connect, StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same", "a@example.com"), id: "evt_ca", created: T, account: A)),
            (connect, StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same", "b@example.com"), id: "evt_cb", created: T, account: B)),
            (connect, StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same", "platform@example.com"), id: "evt_cp", created: T)),
            (platform, StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same", "plain@example.com"), id: "evt_plain_acct", created: T + 1, account: A)),
            (connect, StripeObjects.Event("balance.available", Balance(100), id: "evt_ba", created: T, account: A)),
            (connect, StripeObjects.Event("balance.available", Balance(200), id: "evt_bb", created: T, account: B)),
            (connect, StripeObjects.Event("invoice.paid", StripeObjects.Invoice("in_same", lines: 2), id: "evt_ia", created: T, account: A)),
            (connect, StripeObjects.Event("payout.paid", """{"id":"po_1","object":"payout"}""", id: "evt_pa", created: T, account: A)),
        };
        foreach (var (source, body) in bodies)
        {
            using var response = await client.SendAsync(StripeEvents.Request(source, body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static string Balance(long amount) =>
        "{\"object\":\"balance\",\"available\":[{\"amount\":" + amount + ",\"currency\":\"usd\"}],\"livemode\":false,\"pending\":[{\"amount\":0,\"currency\":\"usd\"}]}";

    private static async Task<List<object?[]>> QueryAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add([.. row.Select(v => v is DBNull ? null : v)]);
        }

        return rows;
    }
}
