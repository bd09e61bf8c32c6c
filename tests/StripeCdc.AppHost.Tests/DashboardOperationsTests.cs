using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using StripeCdc.Testing;

namespace StripeCdc.AppHost.Tests;

/// <summary>The dashboard's operations, carried out by the services behind it: DLQ replay and snapshots.</summary>
[Collection(StackCollection.Name)]
public sealed class DashboardOperationsTests(StackFixture stack)
{
    [Fact]
    public async Task A_dead_lettered_event_is_replayed_from_the_dashboard_when_signature_checks_are_skipped()
    {
        var id = "evt_replay_" + Guid.NewGuid().ToString("N")[..10];
        var body = StripeObjects.Event("customer.created", StripeObjects.Customer("cus_replay"), id: id);
        using var unsigned = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/stripe?api_key={StackFixture.ApiKey}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        unsigned.Headers.Add("Stripe-Signature", "t=1,v1=" + new string('0', 64));
        Assert.Equal(HttpStatusCode.BadRequest, (await stack.Ingest.SendAsync(unsigned)).StatusCode);
        Assert.NotNull(stack.FindRecord("stripe_dlq", r => Encoding.UTF8.GetString(r.Message.Value) == body));

        var replay = await stack.Dashboard.PostAsJsonAsync("/api/dlq/replay", new { topic = "stripe_dlq", skipSignatureCheck = true });

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var result = await replay.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(result.GetProperty("outcomes").GetProperty("Produced").GetInt32() >= 1);
        Assert.NotNull(stack.FindRecord("customer", r => JsonDocument.Parse(r.Message.Value).RootElement.GetProperty("_event_id").GetString() == id));
    }

    [Fact]
    public async Task A_snapshot_started_from_the_dashboard_reads_every_object_from_Stripe_into_kafka()
    {
        var started = await stack.Dashboard.PostAsJsonAsync("/api/snapshots", new { resources = new[] { "customer" }, restart = true });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        JsonElement progress = default;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            progress = await stack.Dashboard.GetFromJsonAsync<JsonElement>($"/api/snapshots/{id}");
            if (progress.GetProperty("state").GetString() is "Completed" or "Failed")
            {
                break;
            }

            await Task.Delay(250);
        }

        Assert.Equal("Completed", progress.GetProperty("state").GetString());
        Assert.Equal(StackFixture.StripeCustomers, progress.GetProperty("resources").GetProperty("customer").GetProperty("objects").GetInt64());
        var snapshotRead = stack.FindRecord("customer", r => StackFixture.Header(r, "__op") == "r");
        Assert.NotNull(snapshotRead);
        Assert.Equal("SNAPSHOT", JsonDocument.Parse(snapshotRead!.Message.Value).RootElement.GetProperty("__changeType").GetString());
    }
}
