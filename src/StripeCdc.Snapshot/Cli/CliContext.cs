using System.CommandLine;
using StripeCdc.Configuration;
using StripeCdc.Snapshot.Hosting;
using StripeCdc.StripeApi;

namespace StripeCdc.Snapshot.Cli;

/// <summary>
/// What every verb shares: the writers, the configuration overrides, the <c>--source</c> option, and
/// the host a verb runs its work in (built only once the command line parsed).
/// </summary>
internal sealed class CliContext(IReadOnlyList<string> overrides, TextWriter output, TextWriter error, Action<IServiceCollection>? configureServices)
{
    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>On the root and every verb below it.</summary>
    public Option<string> Source { get; } = new("--source", "-s")
    {
        Description = "The source (StripeCdc:Sources:<name>) to work on.",
        DefaultValueFactory = _ => SourceCatalog.DefaultSourceName,
        Recursive = true,
    };

    /// <summary>
    /// Builds and starts the worker's services (with the Kafka sink when the verb writes records, and
    /// the event ledger when it must not write an event twice), runs <paramref name="work"/> for the
    /// chosen source and maps failures to exit codes.
    /// </summary>
    public async Task<int> RunAsync(
        ParseResult parsed,
        bool writesRecords,
        bool deduplicates,
        Func<IServiceProvider, SourceSettings, CancellationToken, Task<int>> work,
        CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder([.. overrides]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSnapshotWorker(builder.Configuration, withKafkaSink: writesRecords);
        if (!writesRecords)
        {
            builder.Services.AddSingleton<Sinks.IRecordSink, NoSink>();
        }

        configureServices?.Invoke(builder.Services);
        if (deduplicates)
        {
            builder.Services.AddEventLedgerIfMissing(builder.Configuration);
        }

        using var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is Microsoft.Extensions.Options.OptionsValidationException or FormatException)
        {
            return Fail(ex.Message, ExitCodes.Usage);
        }

        try
        {
            var source = host.Services.GetRequiredService<SourceCatalog>().Get(parsed.GetValue(Source) ?? SourceCatalog.DefaultSourceName);
            return await work(host.Services, source, cancellationToken);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or ArgumentException or FormatException)
        {
            return Fail(ex.Message, ExitCodes.Usage);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Stripe.StripeException or StripeApiException or Confluent.Kafka.KafkaException or Sinks.SinkException)
        {
            return Fail(ex.Message, ExitCodes.Failed);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    public int Fail(string message, int code)
    {
        Error.WriteLine(message);
        return code;
    }

    /// <summary>Webhook commands write no records; the pipeline still wants a sink.</summary>
    private sealed class NoSink : Sinks.IRecordSink
    {
        public bool WritesLedger => false;

        public ValueTask<Sinks.SinkWriteResult> WriteAsync(IReadOnlyList<Records.OutgoingRecord> records, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("This command writes no records.");
    }
}
