using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using StripeCdc.Connect;
using StripeCdc.Ledger;
using StripeCdc.Replay;

namespace StripeCdc.Sinks.Postgres;

public static class PostgresSinkServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Postgres sink (SPEC §10): state tables, the DLQ table and its replay, the schema
    /// migration at start, the re-reading of ties (where an <see cref="IObjectRevalidator"/> is registered)
    /// and a <c>postgres</c> health check. Reads <c>ConnectionStrings:postgres</c> and
    /// <c>StripeCdc:Sinks:Postgres</c>.
    /// </summary>
    public static IServiceCollection AddPostgresSink(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PostgresSinkOptions>()
            .Configure(options =>
            {
                configuration.GetSection(PostgresSinkOptions.SectionName).Bind(options);
                options.ConnectionString = configuration.GetConnectionString(PostgresSinkOptions.ConnectionStringName) ?? options.ConnectionString;
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "ConnectionStrings:postgres must name the Postgres server (Host=…;Port=…;Username=…;Database=…).")
            .Validate(o => string.IsNullOrWhiteSpace(o.ConnectionString) || IsConnectionString(o.ConnectionString), "ConnectionStrings:postgres is not a valid connection string: use Host=…;Port=…;Username=…;Database=….")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Schema), "StripeCdc:Sinks:Postgres:Schema must not be empty.")
            .Validate(o => string.IsNullOrEmpty(o.Schema) || System.Text.Encoding.UTF8.GetByteCount(PostgresSchema.RawSchemaOf(o.Schema)) <= 63, "StripeCdc:Sinks:Postgres:Schema must be at most 59 bytes long: the tables live in the schema of that name with '_raw' added, and Postgres names are at most 63 bytes.")
            .Validate(o => o.MaxEventsPerCommit > 0, "StripeCdc:Sinks:Postgres:MaxEventsPerCommit must be greater than 0.")
            .Validate(o => o.Writers is > 0 and <= 32, "StripeCdc:Sinks:Postgres:Writers must be between 1 and 32.")
            .Validate(o => o.GroupCommitDelay >= TimeSpan.Zero && o.GroupCommitDelay <= TimeSpan.FromSeconds(1), "StripeCdc:Sinks:Postgres:GroupCommitDelay must be between 0 and 1 s.")
            .Validate(o => o.LedgerRetention >= TimeSpan.FromDays(30), "StripeCdc:Sinks:Postgres:LedgerRetention must cover Stripe's 30 days of events.")
            .ValidateOnStart();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PostgresSinkOptions>>().Value;
            var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
            builder.ConnectionStringBuilder.ApplicationName ??= "stripecdc";

            // An event's statement text depends only on its shape (tables, child sets), so a handful of texts
            // repeat: prepared once per connection, Postgres stops planning them per event.
            if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
                builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
            }
            return builder.Build();
        });
        services.TryAddSingleton<TypedColumnCatalog>();
        services.TryAddSingleton<PostgresSchema>();
        services.TryAddSingleton<PostgresSinkMetrics>();
        services.TryAddSingleton<TieRevalidationQueue>();
        services.TryAddSingleton<PostgresGroupCommit>();
        services.RemoveAll<IRecordSink>();
        services.AddSingleton<IRecordSink, PostgresRecordSink>();
        services.RemoveAll<ISinkInventory>();
        services.AddSingleton<ISinkInventory, PostgresSinkInventory>();
        services.RemoveAll<IAccountBackfillRequests>();
        services.AddSingleton<IAccountBackfillRequests, PostgresAccountBackfillRequests>();
        services.RemoveAll<IDeadLetterStore>();
        services.AddSingleton<IDeadLetterStore, PostgresDeadLetterStore>();
        services.AddHostedService<PostgresSchemaService>();
        services.AddHostedService<TieRevalidationService>();
        services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"]);
        services.TryAddSingleton<DeadLetterReplayer>();
        return services;
    }

    private static bool IsConnectionString(string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            return false;
        }
    }

    /// <summary>Registers the <c>event_ledger</c> table as the dedupe ledger (with <see cref="AddPostgresSink"/>).</summary>
    public static IServiceCollection AddPostgresEventLedger(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<PostgresEventLedger>();
        services.TryAddSingleton<IEventLedger>(sp => sp.GetRequiredService<PostgresEventLedger>());
        return services;
    }
}
