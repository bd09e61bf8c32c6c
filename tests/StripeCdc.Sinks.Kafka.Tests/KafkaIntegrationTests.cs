using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StripeCdc.Checkpoints;
using StripeCdc.Flags;

namespace StripeCdc.Sinks.Kafka.Tests;

/// <summary>One registration brings all of Kafka: the sink, one health check, and with a cluster the shared stores.</summary>
public sealed class KafkaIntegrationTests
{
    [Fact]
    public void With_a_cluster_the_integration_adds_the_sink_one_health_check_and_the_shared_stores()
    {
        using var host = Build(("ConnectionStrings:kafka", "127.0.0.1:9"));

        Assert.Equal("127.0.0.1:9", host.Services.GetRequiredService<StripeCdcKafkaSettings>().ConnectionString);
        Assert.Equal(["Kafka"], host.Services.GetRequiredService<SinkCatalog>().Names);
        Assert.Single(HealthChecks(host), name => name == "kafka");
        Assert.IsType<KafkaModuleFlagStore>(host.Services.GetRequiredService<IModuleFlagStore>());
        Assert.IsType<KafkaCheckpointStore>(host.Services.GetRequiredKeyedService<ICheckpointStore>(KafkaCheckpointOptions.ServiceKey));
    }

    [Fact]
    public void Without_a_cluster_switches_and_checkpoints_stay_local_and_settings_turn_the_health_check_off()
    {
        using var host = Build(("StripeCdc:Kafka:DisableHealthChecks", "true"));

        Assert.DoesNotContain("kafka", HealthChecks(host));
        Assert.Null(host.Services.GetService<KafkaModuleFlagStore>());
        Assert.Null(host.Services.GetKeyedService<ICheckpointStore>(KafkaCheckpointOptions.ServiceKey));
    }

    private static IHost Build(params (string Key, string? Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, s.Value)));
        builder.AddStripeCdcKafka();
        builder.AddSharedModuleFlags();

        // A second registration (a host and a library both asking for Kafka) adds nothing twice.
        builder.AddStripeCdcKafka();
        return builder.Build();
    }

    private static IEnumerable<string> HealthChecks(IHost host) =>
        host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(r => r.Name);
}
