using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npgsql;
using StripeCdc.Ingest.Tests.Support;
using StripeCdc.Testing;
using Xunit.Abstractions;

namespace StripeCdc.Ingest.Tests.Postgres;

/// <summary>
/// Issue 18: one realistic event of every event type Stripe.net knows goes through the real ingest into
/// Postgres state tables, is answered 200, is not dead-lettered, and its object has its row (SPEC §10).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class EveryEventTypePostgresTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Theory]
    [InlineData("ObjectType")]
    [InlineData("EventType")]
    public async Task Every_event_type_is_answered_200_and_its_object_has_a_row_whose_data_is_the_object(string routing)
    {
        var clock = Stopwatch.StartNew();
        var catalogue = EventCatalogue.Build();
        var resources = catalogue.Events.Select(e => e.Resource(routing)).Distinct(StringComparer.Ordinal).ToList();
        var database = await postgres.Server.CreateDatabaseAsync();
        var source = new TestSource()
            .Set("TopicPrefix", string.Empty)
            .Set("StripeCdc:Sink", "Postgres")
            .Set("ConnectionStrings:postgres", database)
            .Set("Routing", routing)
            .Set("Resources", string.Join(",", resources))
            .Set("UnselectedResourceBehavior", "FAIL")
            .Set("IncludeEventMetadata", "false")
            .Set("FanOutFields", string.Empty);
        await using var server = await IngestServer.StartAsync(source.Settings);

        var failures = await catalogue.SendAllAsync(server, source);

        Assert.True(failures.Count == 0, "Not answered 200:\n" + string.Join("\n", failures));
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        Assert.Equal(0L, await ScalarAsync(connection, "select count(*) from stripe.stripe_dlq"));
        var rows = new Dictionary<(string Table, string Id), (JsonNode Data, bool Deleted)>();
        foreach (var table in resources.Select(TableName).Distinct(StringComparer.Ordinal))
        {
            await using var command = new NpgsqlCommand($"select id, data::text, deleted from stripe.{table}", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((table, reader.GetString(0)), (JsonNode.Parse(reader.GetString(1))!, reader.GetBoolean(2)));
            }
        }

        var mismatches = new List<string>();
        foreach (var stripeEvent in catalogue.Events)
        {
            var table = TableName(stripeEvent.Resource(routing));
            if (!rows.TryGetValue((table, stripeEvent.Key), out var row))
            {
                mismatches.Add($"{stripeEvent.Type}: no row {stripeEvent.Key} in stripe.{table}");
                continue;
            }

            if (!JsonNode.DeepEquals(EventCatalogue.WithoutChangeFields(row.Data), stripeEvent.Object))
            {
                mismatches.Add($"{stripeEvent.Type}: data differs from the object");
            }

            // A subscription's cancellation keeps the row (behaviour.md, deletes).
            if (row.Deleted != (stripeEvent.IsDelete && stripeEvent.Type != "customer.subscription.deleted"))
            {
                mismatches.Add($"{stripeEvent.Type}: deleted is {row.Deleted}");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        Assert.Equal(catalogue.Events.Count, rows.Count);
        Assert.Equal((long)catalogue.Events.Count, await ScalarAsync(connection, "select count(*) from stripe.event_ledger"));
        output.WriteLine($"{catalogue.Events.Count} event types, {resources.Count} tables, {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>behaviour.md, table names: the topic lowercased, every character outside <c>[a-z0-9_]</c> made <c>_</c>.</summary>
    private static string TableName(string topic) => NotIdentifier().Replace(topic.ToLowerInvariant(), "_");

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [GeneratedRegex("[^a-z0-9_]")]
    private static partial Regex NotIdentifier();
}
