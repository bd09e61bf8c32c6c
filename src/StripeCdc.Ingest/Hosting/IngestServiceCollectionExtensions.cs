using System.Globalization;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StripeCdc.Ingest.Security;
using StripeCdc.Ingest.Webhooks;
using StripeCdc.Pipeline;
using StripeCdc.Sinks;
using StripeCdc.Sinks.Kafka;
using StripeCdc.StripeApi;

namespace StripeCdc.Ingest.Hosting;

internal static class IngestServiceCollectionExtensions
{
    /// <summary>Kestrel's own header cap; the endpoint answers 431 from <see cref="IngestOptions.MaxHeaderBytes"/> itself, after the source and key checks.</summary>
    private const int TransportHeaderLimit = 1024 * 1024;

    public static IServiceCollection AddStripeCdcIngest(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IngestOptions>()
            .Bind(configuration.GetSection(IngestOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<IngestOptions>, IngestOptionsValidator>();

        services.AddStripeCdcPipeline(configuration);
        services.AddStripeCdcSink(configuration);
        if (SinkCatalog.IsSelected(configuration, KafkaSinkDefinition.SinkName))
        {
            // Before the ledger, so a cluster that cannot create topics is reported for the sources' topics first.
            services.AddKafkaTopicCreation(configuration);
        }

        services.AddStripeCdcEventLedger(configuration);

        // Completes has_more fan-out lists and hydrates thin events for sources with a StripeApiKey.
        services.AddStripeApi(configuration);

        // A record the producer still retries after the deadline would come back as a duplicate when Stripe redelivers.
        services.AddOptions<KafkaSinkOptions>().PostConfigure<IOptions<IngestOptions>>((kafka, ingest) =>
            kafka.Config.TryAdd("message.timeout.ms", ((int)ingest.Value.CommitDeadline.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)));
        services.AddOptions<HostOptions>().Configure<IOptions<IngestOptions>>((host, ingest) =>
            host.ShutdownTimeout = ingest.Value.ShutdownTimeout);
        services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestHeadersTotalSize = TransportHeaderLimit;
        });
        services.AddHttpLogging(logging =>
        {
            // Never the query string: it carries api_key.
            logging.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath
                | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
        });

        services.AddSingleton<SourceApiKeys>();
        services.AddSingleton<InFlightLimiter>();
        services.AddSingleton<BodyBudget>();
        services.AddSingleton<WebhookEndpoint>();
        services.AddHostedService<SourceStartupReport>();
        return services;
    }
}
