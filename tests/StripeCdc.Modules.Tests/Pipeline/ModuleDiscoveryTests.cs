using StripeCdc.Modules.Tests.CustomModule;
using StripeCdc.Pipeline;
using StripeCdc.Testing;

namespace StripeCdc.Modules.Tests.Pipeline;

/// <summary>Modules are found by Scrutor, ordered explicitly, and switched by feature flags.</summary>
public sealed class ModuleDiscoveryTests
{
    private static readonly string CustomModulePath = typeof(TagRouteModule).Assembly.Location;

    [Fact]
    public void The_built_in_modules_run_in_their_declared_order()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());

        Assert.Equal(
            ["DeadLetter", "Signature", "ThinEventGuard", "Deduplication", "NewAccountBackfill", "Routing", "Metadata", "FanOut"],
            harness.Pipeline.Modules.Select(m => m.Name));
        Assert.All(harness.Pipeline.Modules, m => Assert.True(m.Enabled));
    }

    [Fact]
    public async Task A_module_in_an_assembly_named_in_configuration_is_discovered_and_runs_in_its_slot()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("StripeCdc:ModuleAssemblies:0", CustomModulePath)));

        await harness.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer()));

        var names = harness.Pipeline.Modules.Select(m => m.Name).ToList();
        Assert.Equal(names.IndexOf("Routing") + 1, names.IndexOf("TagRoute"));
        var value = Assert.Single(harness.Sink.Records).Json;
        Assert.Equal("customer", value.GetProperty("_tagged_topic").GetString());
        Assert.True(value.GetProperty("_tagged_before_metadata").GetBoolean());
        Assert.Equal("CREATE", value.GetProperty("__changeType").GetString());
    }

    [Fact]
    public async Task A_module_whose_flag_is_off_is_skipped()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings:
            [("StripeCdc:ModuleAssemblies:0", CustomModulePath), ("FeatureManagement:TagRoute", "false")]));

        await harness.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer()));

        Assert.False(harness.Pipeline.Modules.Single(m => m.Name == "TagRoute").Enabled);
        Assert.False(Assert.Single(harness.Sink.Records).Json.TryGetProperty("_tagged_topic", out _));
    }

    [Fact]
    public async Task A_built_in_module_can_be_switched_off()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings:
            [("FanOutFields", "invoice.lines"), ("FeatureManagement:FanOut", "false")]));

        await harness.ProcessAsync(StripeObjects.Event("invoice.created", StripeObjects.Invoice(lines: 3)));

        Assert.Single(harness.Sink.Records);
    }

    [Fact]
    public async Task Flags_are_re_evaluated_when_configuration_reloads()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("StripeCdc:ModuleAssemblies:0", CustomModulePath)));
        Assert.True(harness.Pipeline.Modules.Single(m => m.Name == "TagRoute").Enabled);

        harness.Configuration["FeatureManagement:TagRoute"] = "false";
        harness.Configuration.Reload();
        await WaitUntil(() => !harness.Pipeline.Modules.Single(m => m.Name == "TagRoute").Enabled);
        await harness.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer()));

        Assert.False(Assert.Single(harness.Sink.Records).Json.TryGetProperty("_tagged_topic", out _));
    }

    [Fact]
    public async Task With_every_module_off_a_malformed_body_still_fails()
    {
        var flags = new[] { "DeadLetter", "Signature", "ThinEventGuard", "Deduplication", "NewAccountBackfill", "Routing", "Metadata", "FanOut" }
            .Select(n => ($"FeatureManagement:{n}", (string?)"false")).ToArray();
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: flags));

        await Assert.ThrowsAsync<StripeCdc.Events.MalformedEventException>(() => harness.ProcessAsync("[]"));
        var context = await harness.ProcessAsync(StripeObjects.Event("customer.created", StripeObjects.Customer()));
        Assert.Equal(PipelineOutcome.Skipped, context.Outcome);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true in time.");
            await Task.Delay(20);
        }
    }
}
