using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StripeCdc.Ledger;
using StripeCdc.Pipeline;
using StripeCdc.Replay;
using StripeCdc.Sinks;
using StripeCdc.Sinks.JsonLines;
using StripeCdc.Sinks.Kafka;
using StripeCdc.Sinks.Postgres;
using StripeCdc.Testing;

namespace StripeCdc.Modules.Tests.Sinks;

/// <summary>SPEC §10: <c>StripeCdc:Sink</c> chooses the terminal sink, the DLQ target and the dedupe ledger.</summary>
public sealed class SinkSelectionTests
{
    [Theory]
    [InlineData(null, "KafkaRecordSink", "KafkaEventLedger", "KafkaDeadLetterStore")]
    [InlineData("Kafka", "KafkaRecordSink", "KafkaEventLedger", "KafkaDeadLetterStore")]
    [InlineData("postgres", "PostgresRecordSink", "PostgresEventLedger", "PostgresDeadLetterStore")]
    [InlineData("JsonLines", "JsonLinesRecordSink", null, null)]
    public void The_setting_chooses_sink_ledger_and_DLQ(string? sink, string expectedSink, string? expectedLedger, string? expectedDlq)
    {
        var services = Services(sink);

        Assert.Equal(expectedSink, Implementation<IRecordSink>(services));
        Assert.Equal(expectedLedger, Implementation<IEventLedger>(services));
        Assert.Equal(expectedDlq, Implementation<IDeadLetterStore>(services));
    }

    [Fact]
    public async Task An_unknown_sink_fails_start_up_naming_the_choices()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(PipelineHarness.Source()) { ["StripeCdc:Sink"] = "Mongo" });
        AddBuiltInSinks(builder.Services);
        builder.Services.AddStripeCdcPipeline(builder.Configuration).AddStripeCdcSink(builder.Configuration).AddStripeCdcEventLedger(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("StripeCdc:Sink must be one of Kafka, Postgres, JsonLines", error.Message, StringComparison.Ordinal);
    }

    private static ServiceCollection Services(string? sink)
    {
        var settings = new Dictionary<string, string?>(PipelineHarness.Source())
        {
            ["StripeCdc:Sink"] = sink,
            ["ConnectionStrings:kafka"] = "127.0.0.1:9",
            ["ConnectionStrings:postgres"] = "Host=127.0.0.1;Port=9",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        AddBuiltInSinks(services);
        services.AddStripeCdcPipeline(configuration).AddStripeCdcSink(configuration).AddStripeCdcEventLedger(configuration);
        return services;
    }

    /// <summary>The sinks every service adds, in the order the services add them.</summary>
    private static void AddBuiltInSinks(IServiceCollection services) => services
        .AddSinkDefinition(new KafkaSinkDefinition())
        .AddSinkDefinition(new PostgresSinkDefinition())
        .AddSinkDefinition(new JsonLinesSinkDefinition());

    /// <summary>The class registered for a service, also behind a factory that forwards to a concrete registration.</summary>
    private static string? Implementation<T>(ServiceCollection services)
        where T : notnull
    {
        var descriptor = services.LastOrDefault(d => d.ServiceType == typeof(T));
        if (descriptor is null)
        {
            return null;
        }

        if (descriptor.ImplementationType is { } type)
        {
            return type.Name;
        }

        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<T>()!.GetType().Name;
    }
}
