using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StripeCdc.Testing;

namespace StripeCdc.AppHost.Tests;

/// <summary>The stack as `dotnet run` starts it: DCP, real processes, the real Kafka protocol, the Aspire dashboard.</summary>
[Collection(StackCollection.Name)]
public sealed class WholeStackTests(StackFixture stack)
{
    [Fact]
    public void Every_resource_is_running_and_healthy()
    {
        foreach (var name in new[] { "kafka", "ingest", "snapshot" })
        {
            Assert.True(stack.App.ResourceNotifications.TryGetCurrentState(name, out var resource), $"{name} has no state");
            Assert.Equal(KnownResourceStates.Running, resource.Snapshot.State?.Text);
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, resource.Snapshot.HealthStatus);
        }
    }

    [Fact]
    public void Each_service_is_started_by_dcp_itself_not_through_a_dotnet_run_wrapper()
    {
        foreach (var (name, assembly) in new[] { ("ingest", "StripeCdc.Ingest.dll"), ("snapshot", "StripeCdc.Snapshot.dll") })
        {
            Assert.True(stack.App.ResourceNotifications.TryGetCurrentState(name, out var resource));
            var pid = resource.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value;
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            Assert.EndsWith(assembly, commandLine[1], StringComparison.Ordinal);
            Assert.DoesNotContain("run", commandLine);
        }
    }

    [Fact]
    public void The_embedded_kafka_tells_the_operator_that_it_forgets_old_records()
    {
        Assert.True(stack.App.ResourceNotifications.TryGetCurrentState("kafka", out var kafka));
        var retention = Assert.Single(kafka.Snapshot.Properties, p => p.Name == "kafka.retention");
        Assert.Contains("5 MB", retention.Value?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_event_posted_to_the_ingest_lands_in_kafka()
    {
        var id = "evt_stack_" + Guid.NewGuid().ToString("N")[..10];
        var response = await stack.PostEventAsync(StripeObjects.Event("customer.created", StripeObjects.Customer("cus_stack1"), id: id));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = stack.FindRecord("customer", r => EventId(r.Message.Value) == id);
        Assert.NotNull(record);
        Assert.Equal("c", StackFixture.Header(record!, "__op"));
    }

    [Fact]
    public async Task The_events_trace_reaches_the_aspire_dashboard_from_receive_through_modules_to_produce()
    {
        var id = "evt_trace_" + Guid.NewGuid().ToString("N")[..10];
        var response = await stack.PostEventAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_trace"), id: id));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = stack.FindRecord("customer", r => EventId(r.Message.Value) == id);
        var traceId = StackFixture.Header(record!, "traceparent")!.Split('-')[1];

        // Parents end after their children, so the server and outer module spans come in a later export batch.
        var spans = await stack.WaitForSpansAsync(traceId, s => s.Any(x => x.Name == "customer publish") && s.Any(x => x.Name == "DeadLetter") && s.Any(x => x.Kind == 2));

        Assert.Contains(spans, s => s.Kind == 2 && s.Name.Contains("/webhooks/stripe", StringComparison.Ordinal));
        foreach (var module in new[] { "DeadLetter", "Signature", "Routing", "Metadata" })
        {
            Assert.Contains(spans, s => s.Name == module);
        }

        var producer = Assert.Single(spans, s => s.Name == "customer publish");
        Assert.Equal(4, producer.Kind);
        Assert.Equal("kafka", producer.Attributes["messaging.system"]);
        Assert.Equal("customer", producer.Attributes["messaging.destination.name"]);
        Assert.DoesNotContain(spans.SelectMany(s => s.Attributes.Values), v => v.Contains(StackFixture.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_ingests_structured_logs_reach_the_aspire_dashboard()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var logs = "";
        while (DateTime.UtcNow < deadline && !logs.Contains("Record pipeline", StringComparison.Ordinal))
        {
            logs = await stack.Dashboard.GetStringAsync("/api/telemetry/logs?resource=ingest");
            await Task.Delay(500);
        }

        Assert.Contains("Record pipeline", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(StackFixture.SigningSecret, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(StackFixture.ApiKey, logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_operations_are_not_reachable_on_the_public_webhook_port_without_the_admin_token()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await stack.Ingest.GetAsync("/admin/pipeline")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stack.Ingest.PutAsJsonAsync("/admin/pipeline/modules/Signature", new { enabled = false })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stack.Ingest.PostAsJsonAsync("/admin/dlq/replay", new { })).StatusCode);
    }

    [Fact]
    public void No_secret_reaches_the_dashboard_through_a_resource_environment()
    {
        foreach (var name in new[] { "ingest", "snapshot" })
        {
            Assert.True(stack.App.ResourceNotifications.TryGetCurrentState(name, out var resource));
            var values = resource.Snapshot.EnvironmentVariables.Select(v => v.Value ?? "").ToList();
            Assert.NotEmpty(values);
            Assert.DoesNotContain(values, v => v.Contains(StackFixture.ApiKey, StringComparison.Ordinal));
            Assert.Contains(resource.Snapshot.EnvironmentVariables, v => v.Name == "StripeCdc__Admin__TokenFile");
            Assert.DoesNotContain(resource.Snapshot.EnvironmentVariables, v => v.Name == "StripeCdc__Admin__Token");
        }
    }

    private static string? EventId(byte[] value) =>
        JsonDocument.Parse(value).RootElement.TryGetProperty("_event_id", out var id) ? id.GetString() : null;
}
