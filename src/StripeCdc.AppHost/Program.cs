using StripeCdc.AppHost;
using StripeCdc.AppHost.Commands;
using StripeCdc.AppHost.Kafka;
using StripeCdc.AppHost.Postgres;
using StripeCdc.AppHost.Services;

var builder = DistributedApplication.CreateBuilder(args);

var secrets = LocalSecrets.Create(builder);

// The embedded cluster has no CreateTopics API: create what the default source, fan-out, the ledger, the shared
// module switches and the snapshot checkpoints use.
var kafka = builder.AddKafka("kafka").WithTopics(
    "stripecdc_event_ledger", "stripecdc_module_flags", "stripecdc_snapshot_checkpoints",
    "customer", "payment_intent", "charge", "invoice", "unknown", "stripe_dlq",
    "invoice_lines", "charge_refunds", "subscription_items");

// StripeCdc__Sink=Postgres: the services write state tables to a local PostgreSQL server (or the one
// ConnectionStrings__postgres names); otherwise everything goes to Kafka.
var postgres = builder.UsesPostgresSink() ? builder.AddPostgresServer("postgres") : null;

var ingest = builder.AddProject<Projects.StripeCdc_Ingest>("ingest", launchProfileName: null)
    .WithHttpEndpoint(port: 5080)
    .WithReference(kafka)
    .WaitFor(kafka)
    .WithPostgresSink(postgres)
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
    .WithPostgresSink(postgres)
    .WithHttpHealthCheck("/health")
    .WithStripeCdcService(secrets)
    .WithSnapshotCommand(secrets)
    .WithReconciliationCommand(secrets);

StartupBanner.PrintWhenReady(builder, ingest, kafka, postgres, secrets);

builder.Build().Run();
