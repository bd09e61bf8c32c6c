using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StripeCdc.Configuration;
using StripeCdc.EmbeddedKafka;
using StripeCdc.Flags;
using StripeCdc.Hosting;
using StripeCdc.Ingest.Admin;
using StripeCdc.Ingest.Webhooks;
using StripeCdc.ServiceDefaults;
using StripeCdc.Sinks;
using StripeCdc.Sinks.JsonLines;
using StripeCdc.Sinks.Kafka;
using StripeCdc.Sinks.Postgres;

namespace StripeCdc.Ingest.Hosting;

/// <summary>Builds the ingest service; <c>configure</c> lets tests and the benchmark add settings and loggers.</summary>
internal static class IngestApplication
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddStartupFailureReporting();
        AddSecretsFile(builder.Configuration);
        configure?.Invoke(builder);
        var embedded = EmbeddedKafkaStartup.StartIfEnabled(builder.Configuration);
        if (embedded is not null)
        {
            // Made by a factory so the container disposes it, after the clients created later.
            builder.Services.AddSingleton(_ => embedded);
        }

        // Kafka keeps the module switches whichever sink is selected; its health check is the Kafka sink's.
        builder.AddStripeCdcKafka(settings => settings.DisableHealthChecks |= !SinkCatalog.IsSelected(builder.Configuration, KafkaSinkDefinition.SinkName));
        builder.Services.AddSinkDefinition(new PostgresSinkDefinition()).AddSinkDefinition(new JsonLinesSinkDefinition());

        builder.AddServiceDefaults();
        builder.Services.AddStripeCdcIngest(builder.Configuration);

        // Last, so switches made from any service's admin API win over configured flags, and a cluster that
        // cannot create topics is reported for the sources' topics before the internal ones.
        builder.AddSharedModuleFlags();

        var app = builder.Build();
        if (embedded is not null)
        {
            _ = app.Services.GetRequiredService<EmbeddedKafkaCluster>();
        }

        if (app.Services.GetRequiredService<IOptions<IngestOptions>>().Value.RequestLogging)
        {
            app.UseHttpLogging();
        }

        app.MapDefaultEndpoints();
        app.MapStripeWebhooks();
        app.MapAdminEndpoints();
        return app;
    }

    /// <summary>
    /// The signing secrets that <c>snapshot webhooks create</c> stored (~/.stripecdc/secrets.json), read
    /// below environment variables and the command line so those still win.
    /// </summary>
    private static void AddSecretsFile(ConfigurationManager configuration)
    {
        var secrets = new ConfigurationBuilder().AddStripeCdcSecretsFile().Sources[0];
        var sources = ((IConfigurationBuilder)configuration).Sources;
        var environment = sources.ToList().FindIndex(s => s is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource);
        try
        {
            sources.Insert(environment < 0 ? sources.Count : environment, secrets);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException or InvalidDataException)
        {
            var reason = (ex.InnerException ?? ex).Message.ReplaceLineEndings(" ");
            throw new StartupException(
                $"The secrets file {SecretsFileConfigurationExtensions.DefaultPath} cannot be read: {reason} "
                + $"Let this user read it (chmod 600), fix its JSON, or point {SecretsFileConfigurationExtensions.PathVariable} at another file.",
                ex);
        }
    }
}
