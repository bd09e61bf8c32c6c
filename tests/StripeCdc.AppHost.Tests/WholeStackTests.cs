using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StripeCdc.AppHost.Orchestration;
using StripeCdc.AppHost.Testing;
using StripeCdc.Testing;

namespace StripeCdc.AppHost.Tests;

/// <summary>The stack as `dotnet run` starts it: real processes, real Kafka protocol, real HTTP.</summary>
[Collection(StackCollection.Name)]
public sealed class WholeStackTests(StackFixture stack)
{
    [Fact]
    public void Every_resource_is_running_with_the_aspire_environment()
    {
        foreach (var name in new[] { StripeCdcStack.Kafka, StripeCdcStack.Ingest, StripeCdcStack.Snapshot })
        {
            var resource = stack.App.Resource(name);
            Assert.Equal(ResourceState.Running, resource.State);
            Assert.True(resource.Healthy);
            Assert.NotNull(resource.Pid);
        }
    }

    [Fact]
    public async Task A_signed_event_posted_to_the_ingest_lands_in_kafka()
    {
        var id = "evt_stack_" + Guid.NewGuid().ToString("N")[..10];
        var response = await stack.PostEventAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_stack1"), id: id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = stack.FindRecord("customer", r => JsonDocument.Parse(r.Message.Value).RootElement.GetProperty("_event_id").GetString() == id);
        Assert.NotNull(record);
        Assert.Equal("c", StackFixture.Header(record!, "__op"));
    }

    [Fact]
    public async Task The_events_trace_reaches_the_dashboard_from_receive_through_modules_to_produce()
    {
        var id = "evt_trace_" + Guid.NewGuid().ToString("N")[..10];
        var response = await stack.PostEventAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_trace"), id: id));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = stack.FindRecord("customer", r => JsonDocument.Parse(r.Message.Value).RootElement.GetProperty("_event_id").GetString() == id);
        var traceId = StackFixture.Header(record!, "traceparent")!.Split('-')[1];

        // Parents end after their children, so the server and outer module spans come in a later export batch.
        var spans = await WaitForSpansAsync(traceId, s => s.Any(x => x.Kind == "Producer") && s.Any(x => x.Kind == "Server") && s.Any(x => x.Name == "DeadLetter"));

        Assert.Contains(spans, s => s.Kind == "Server" && s.Service == "ingest" && s.Name.Contains("/webhooks/stripe", StringComparison.Ordinal));
        foreach (var module in new[] { "DeadLetter", "Signature", "Routing", "Metadata" })
        {
            Assert.Contains(spans, s => s.Name == module);
        }

        var producer = Assert.Single(spans, s => s.Kind == "Producer");
        Assert.Equal("customer publish", producer.Name);
        Assert.Equal("kafka", producer.Attributes["messaging.system"]);
        Assert.Equal("customer", producer.Attributes["messaging.destination.name"]);
        Assert.DoesNotContain(spans.SelectMany(s => s.Attributes.Values), v => v.Contains(StackFixture.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_crashed_ingest_is_restarted_and_healthy_again()
    {
        var before = stack.App.Resource(StripeCdcStack.Ingest);

        stack.App.Orchestrator.Projects[StripeCdcStack.Ingest].Crash();
        await stack.App.ResourceNotifications.WaitForAsync(
            StripeCdcStack.Ingest,
            s => s.Restarts > before.Restarts && s.State == ResourceState.Running && s.Healthy,
            new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token);

        var after = stack.App.Resource(StripeCdcStack.Ingest);
        Assert.NotEqual(before.Pid, after.Pid);
        var response = await stack.PostEventAsync(StripeObjects.Event("customer.created", StripeObjects.Customer(), id: "evt_after_crash_" + Guid.NewGuid().ToString("N")[..6]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_dashboard_lists_resources_and_shows_console_logs()
    {
        var resources = await stack.Dashboard.GetFromJsonAsync<JsonElement>("/api/resources");
        Assert.Equal(3, resources.GetArrayLength());

        var logs = await stack.Dashboard.GetFromJsonAsync<JsonElement>("/api/resources/ingest/logs");
        Assert.True(logs.GetArrayLength() > 0);
        Assert.DoesNotContain(logs.EnumerateArray(), l => l.GetProperty("text").GetString()!.Contains(StackFixture.SigningSecret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Operations_are_not_reachable_on_the_public_webhook_port_without_the_admin_token()
    {
        var pipeline = await stack.Ingest.GetAsync("/admin/pipeline");
        Assert.Equal(HttpStatusCode.Unauthorized, pipeline.StatusCode);
        var flag = await stack.Ingest.PutAsJsonAsync("/admin/pipeline/modules/Signature", new { enabled = false });
        Assert.Equal(HttpStatusCode.Unauthorized, flag.StatusCode);
        var replay = await stack.Ingest.PostAsJsonAsync("/admin/dlq/replay", new { });
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);

        var throughDashboard = await stack.Dashboard.GetFromJsonAsync<JsonElement>("/api/pipeline");
        Assert.Contains(throughDashboard.GetProperty("modules").EnumerateArray(), m => m.GetProperty("name").GetString() == "Signature");
    }

    private async Task<IReadOnlyList<SpanView>> WaitForSpansAsync(string traceId, Func<IReadOnlyList<SpanView>, bool> complete)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        IReadOnlyList<SpanView> spans = [];
        while (DateTime.UtcNow < deadline)
        {
            spans = await stack.Dashboard.GetFromJsonAsync<List<SpanView>>($"/api/traces/{traceId}", JsonOptions) ?? [];
            if (complete(spans))
            {
                return spans;
            }

            await Task.Delay(250);
        }

        return spans;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed record SpanView(string TraceId, string SpanId, string? ParentSpanId, string Name, string Kind, string Service, Dictionary<string, string> Attributes);
}
