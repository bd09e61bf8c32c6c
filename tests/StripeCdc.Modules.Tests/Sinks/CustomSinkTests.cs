using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StripeCdc.Configuration;
using StripeCdc.Pipeline;
using StripeCdc.Samples.TsvSink;
using StripeCdc.Sinks;
using StripeCdc.Testing;

namespace StripeCdc.Modules.Tests.Sinks;

/// <summary>A team's sink is a project of its own: named in <c>StripeCdc:ModuleAssemblies</c>, chosen by <c>StripeCdc:Sink</c>.</summary>
public sealed class CustomSinkTests
{
    private static readonly string SampleSinkPath = typeof(TsvSinkDefinition).Assembly.Location;

    [Fact]
    public async Task A_sink_in_an_assembly_named_in_configuration_is_selected_by_name_and_receives_the_records()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("stripecdc-tsv").FullName, "records.tsv");
        using var host = Host(("StripeCdc:Sink", "tsv"), ("StripeCdc:Sinks:Tsv:Path", file));
        await host.StartAsync();
        var sources = host.Services.GetRequiredService<SourceCatalog>();
        var body = Encoding.UTF8.GetBytes(StripeObjects.Event("customer.created", StripeObjects.Customer()));

        var context = new RecordContext(sources.Get("default"), body, null, DateTimeOffset.UtcNow, RecordKind.Change);
        await host.Services.GetRequiredService<RecordPipeline>().ProcessAsync(context);
        await host.StopAsync();

        Assert.Equal("TsvRecordSink", host.Services.GetRequiredService<IRecordSink>().GetType().Name);
        var columns = Assert.Single(await File.ReadAllLinesAsync(file)).Split('\t');
        Assert.Equal("customer", columns[0]);
        using var value = JsonDocument.Parse(columns[2]);
        Assert.Equal("CREATE", value.RootElement.GetProperty("__changeType").GetString());
    }

    [Fact]
    public async Task An_unknown_sink_fails_start_up_naming_the_sinks_found_in_configured_assemblies()
    {
        using var host = Host(("StripeCdc:Sink", "Mongo"));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("StripeCdc:Sink must be one of Tsv", error.Message, StringComparison.Ordinal);
    }

    private static IHost Host(params (string Key, string? Value)[] settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(PipelineHarness.Source(settings: [("StripeCdc:ModuleAssemblies:0", SampleSinkPath), .. settings]));
        builder.Services.AddStripeCdcPipeline(builder.Configuration).AddStripeCdcSink(builder.Configuration).AddStripeCdcEventLedger(builder.Configuration);
        return builder.Build();
    }
}
