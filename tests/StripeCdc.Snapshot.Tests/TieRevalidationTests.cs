using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StripeCdc.FakeStripe;
using StripeCdc.Pipeline;
using StripeCdc.Sinks.Postgres;
using StripeCdc.Snapshot.Tests.Support;
using StripeCdc.Testing;

namespace StripeCdc.Snapshot.Tests;

/// <summary>SPEC §10: with a <c>StripeApiKey</c>, a same-second tie is settled by re-reading the object from Stripe.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TieRevalidationTests(PostgresFixture postgres)
{
    private const long Created = 1_790_004_000;

    [Fact]
    public async Task A_tie_is_resolved_by_the_object_as_Stripe_has_it_and_counted_revalidated()
    {
        await using var stripe = await FakeStripeServer.StartAsync();
        stripe.Data.AddRetrievable(new FakeObject("cus_rv", Created - 100, StripeObjects.Customer("cus_rv", "truth@example.com")));
        var database = await postgres.Server.CreateDatabaseAsync();
        using var harness = new SnapshotHarness(stripe, kafka: null, settings: [("StripeCdc:Sink", "Postgres"), ("ConnectionStrings:postgres", database), ("TopicPrefix", "")]);

        await ProcessAsync(harness, StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_rv", "first@example.com"), "evt_rv1", Created));
        await ProcessAsync(harness, StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_rv", "second@example.com"), "evt_rv2", Created));

        var metrics = harness.Services.GetRequiredService<PostgresSinkMetrics>();
        Assert.True(await Eventually(() => metrics.Total(PostgresSinkMetrics.Revalidated) == 1), "the tie was not revalidated");
        Assert.Equal("truth@example.com", await EmailAsync(database, "cus_rv"));
        Assert.Equal(0, metrics.Total(PostgresSinkMetrics.Tie));
        Assert.Contains(stripe.Log.Requests, r => r.Path == "/v1/customers/cus_rv");
    }

    private static async Task ProcessAsync(SnapshotHarness harness, string body)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var context = new RecordContext(harness.Source, Encoding.UTF8.GetBytes(body), null, DateTimeOffset.UtcNow) { CancellationToken = timeout.Token };
        await harness.Pipeline.ProcessAsync(context);
        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
    }

    private static async Task<string?> EmailAsync(string database, string id)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select data->>'email' from stripe.customer where id = '{id}'", connection);
        return (string?)await command.ExecuteScalarAsync();
    }

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }
}
