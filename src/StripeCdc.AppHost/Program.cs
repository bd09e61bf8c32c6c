using StripeCdc.AppHost;
using StripeCdc.AppHost.Commands;
using StripeCdc.AppHost.Kafka;
using StripeCdc.AppHost.Services;

var builder = DistributedApplication.CreateBuilder(args);

var secrets = LocalSecrets.Create(builder);

// The embedded cluster has no CreateTopics API: create what the default source, fan-out, the ledger, the shared
// module switches and the snapshot checkpoints use.
var kafka = builder.AddKafka("kafka").WithTopics(
    "stripecdc_event_ledger", "stripecdc_module_flags", "stripecdc_snapshot_checkpoints",
    "customer", "payment_intent", "charge", "invoice", "unknown", "stripe_dlq",
    "invoice_lines", "charge_refunds", "subscription_items");

var ingest = builder.AddProject<Projects.StripeCdc_Ingest>("ingest", launchProfileName: null)
    .WithHttpEndpoint(port: 5080)
    .WithReference(kafka)
    .WaitFor(kafka)
    .WithHttpHealthCheck("/health")
    .WithStripeCdcService(secrets)
    .WithWebhookApiKey(secrets)
    .WithDeadLetterReplayCommand(secrets)
    .WithModuleSwitchCommand(secrets);

builder.AddProject<Projects.StripeCdc_Snapshot>("snapshot", launchProfileName: null)
    .WithHttpEndpoint(port: 5090)
    .WithReference(kafka)
    .WithReference(ingest)
    .WaitFor(kafka)
    .WithHttpHealthCheck("/health")
    .WithStripeCdcService(secrets)
    .WithSnapshotCommand(secrets)
    .WithReconciliationCommand(secrets);

StartupBanner.PrintWhenReady(builder, ingest, kafka, secrets);

builder.Build().Run();
