using StripeCdc.AppHost.Kafka;

namespace StripeCdc.AppHost.Tests;

/// <summary>The AppHost's Kafka resource: as the application model holds it, and an external cluster's state once started.</summary>
public sealed class KafkaResourceTests(LifecycleTests.Kafka cluster) : IClassFixture<LifecycleTests.Kafka>
{
    /// <summary>The names the stack created by hand before they were read from the services' options.</summary>
    private static readonly string[] TopicsTheServicesUse =
    [
        "stripecdc_event_ledger", "stripecdc_module_flags", "stripecdc_snapshot_checkpoints",
        "customer", "payment_intent", "charge", "invoice", "unknown", "stripe_dlq",
        "invoice_lines", "charge_refunds", "subscription_items",
    ];

    [Fact]
    public async Task Without_a_connection_string_the_stack_runs_the_embedded_kafka_with_every_topic_the_services_options_name_by_default()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.StripeCdc_AppHost>([]);

        var kafka = Assert.IsType<EmbeddedKafkaResource>(Assert.Single(builder.Resources, r => r.Name == "kafka"));
        Assert.Equal(TopicsTheServicesUse.Order(StringComparer.Ordinal), kafka.Topics.Order(StringComparer.Ordinal));
        Assert.Single(kafka.Annotations.OfType<HealthCheckAnnotation>(), h => h.Key == "kafka_check");
    }

    [Fact]
    public async Task With_a_connection_string_kafka_is_the_operators_cluster_started_by_no_process_checked_for_health_and_awaited_by_the_services()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.StripeCdc_AppHost>(
            ["ConnectionStrings:kafka=broker-1.example.com:9092,broker-2.example.com:9092"]);

        var kafka = Assert.IsType<ExternalKafkaResource>(Assert.Single(builder.Resources, r => r.Name == "kafka"));
        Assert.Equal("broker-1.example.com:9092,broker-2.example.com:9092", kafka.BootstrapServers);
        Assert.DoesNotContain(builder.Resources.OfType<ExecutableResource>(), r => r.Name == "kafka");
        Assert.Single(kafka.Annotations.OfType<HealthCheckAnnotation>(), h => h.Key == "kafka_check");
        foreach (var service in new[] { "ingest", "snapshot" })
        {
            Assert.Contains(builder.Resources.Single(r => r.Name == service).Annotations.OfType<WaitAnnotation>(), w => w.Resource == kafka);
        }
    }

    [Fact]
    public void Topics_can_be_given_only_to_the_embedded_cluster_an_external_cluster_has_no_WithTopics()
    {
        var withTopics = typeof(KafkaBuilderExtensions).GetMethods().Where(m => m.Name == nameof(KafkaBuilderExtensions.WithTopics)).ToList();

        Assert.NotEmpty(withTopics);
        Assert.All(withTopics, m => Assert.Equal(typeof(IResourceBuilder<EmbeddedKafkaResource>), m.GetParameters()[0].ParameterType));
    }

    [Fact]
    public async Task An_external_cluster_is_reported_running_with_its_address_and_healthy_once_its_brokers_answer()
    {
        using var timeout = new CancellationTokenSource(StackFixture.StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.StripeCdc_AppHost>(
            [$"ConnectionStrings:kafka={cluster.BootstrapServers}"], timeout.Token);
        await using var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);

        var kafka = await app.ResourceNotifications.WaitForResourceHealthyAsync("kafka", timeout.Token);

        Assert.Equal(KnownResourceStates.Running, kafka.Snapshot.State?.Text);
        Assert.Equal("Kafka", kafka.Snapshot.ResourceType);
        Assert.Contains(kafka.Snapshot.Properties, p => p.Name == CustomResourceKnownProperties.Source && Equals(p.Value, cluster.BootstrapServers));
        Assert.Equal(cluster.BootstrapServers, await app.GetConnectionStringAsync("kafka", timeout.Token));
    }
}
