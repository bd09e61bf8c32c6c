using StripeCdc.AppHost.Hosting;

namespace StripeCdc.AppHost;

/// <summary>The composition of the local stack, shared by <c>Program</c> and the testing builder.</summary>
internal static class StripeCdcStack
{
    public const string Kafka = "kafka";
    public const string Ingest = "ingest";
    public const string Snapshot = "snapshot";

    public static void Compose(DistributedApplicationBuilder builder)
    {
        var apiKey = LocalApiKey.GetOrCreate(builder.Configuration);
        var sampleModule = Path.Combine(builder.RepositoryRoot, "samples", "StripeCdc.Samples.HashEmail", "bin",
            ProjectConfiguration.Name, "net10.0", "StripeCdc.Samples.HashEmail.dll");

        // The embedded cluster has no CreateTopics API: create what the default source and the ledger use.
        var kafka = builder.AddKafka(Kafka).WithTopics(
            "stripecdc_event_ledger",
            "customer", "payment_intent", "charge", "invoice", "unknown", "stripe_dlq",
            "invoice_lines", "charge_refunds", "subscription_items");

        var ingest = builder.AddProject(Ingest, "StripeCdc.Ingest")
            .WithHttpEndpoint(port: 5080)
            .WithReference(kafka)
            .WaitFor(kafka)
            .WithEnvironment("StripeCdc__Sources__default__ApiKey", apiKey)
            .WithEnvironment("StripeCdc__ModuleAssemblies__0", sampleModule)
            .WithEnvironment("FeatureManagement__HashCustomerEmail", "false");

        builder.AddProject(Snapshot, "StripeCdc.Snapshot")
            .WithHttpEndpoint(port: 5090)
            .WithReference(kafka)
            .WithReference(ingest)
            .WaitFor(kafka)
            .WithEnvironment("StripeCdc__ModuleAssemblies__0", sampleModule)
            .WithEnvironment("FeatureManagement__HashCustomerEmail", "false");
    }
}
