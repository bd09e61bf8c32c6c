using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StripeCdc.Configuration;
using StripeCdc.Events;
using StripeCdc.Pipeline;
using StripeCdc.Telemetry;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// Consumes the ties the Postgres sink reports (<see cref="TieRevalidationQueue"/>): re-reads each object
/// from Stripe (a connected account's as that account, with <c>Stripe-Account</c>, SPEC §12) and feeds it to the pipeline as a one-object snapshot read stamped with the tie's second, like
/// any other record source, so its child lists are read and replaced too and the guard still keeps anything
/// newer or deleted. Counted <c>revalidated</c>, or <c>tie</c> when the object cannot be re-read or written
/// (the later arrival then stays). Each tie is re-read as soon as it is reported, none waits for another.
/// </summary>
internal sealed partial class TieRevalidationService(
    TieRevalidationQueue ties,
    RecordPipeline pipeline,
    SourceCatalog sources,
    PostgresSinkMetrics metrics,
    ILogger<TieRevalidationService> logger,
    IObjectRevalidator? revalidator = null) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopReading = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private Task _reading = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (revalidator is not null)
        {
            _reading = Task.Run(ReadAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops taking ties; re-reads under way finish while shutdown allows, then are cancelled.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopReading.CancelAsync();
        try
        {
            await _reading.WaitAsync(cancellationToken);
            await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _abort.CancelAsync();
        }
    }

    public void Dispose()
    {
        _stopReading.Cancel();
        _abort.Cancel();
        _stopReading.Dispose();
        _abort.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await ties.Reader.WaitToReadAsync(_stopReading.Token))
            {
                while (ties.Reader.TryRead(out var tie))
                {
                    var running = RevalidateAsync(tie);
                    if (!running.IsCompleted)
                    {
                        _running.TryAdd(running, 0);
                        _ = running.ContinueWith(static (task, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(task, out _), _running, TaskScheduler.Default);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopReading.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task RevalidateAsync(TiedObject tie)
    {
        var (origin, row) = tie;
        try
        {
            var typePrefix = origin.EventType[..Math.Max(0, origin.EventType.LastIndexOf('.'))];
            var account = row.Account.Length == 0 ? null : row.Account;
            var current = await revalidator!.ReadAsync(origin.Source, typePrefix, row.Id, account, _abort.Token);
            if (current is not { } json || sources.Find(origin.Source) is not { } source)
            {
                metrics.Row(row.Topic, OutcomeNames.Tie);
                return;
            }

            var body = SnapshotEnvelope.Build(
                TiedObject.RevalidatedPrefix + origin.EventId,
                typePrefix + ".snapshot",
                json.Span,
                origin.Created.ToUnixTimeSeconds(),
                apiVersion: null,
                livemode: json.Span.IndexOf("\"livemode\":true"u8) >= 0,
                account);
            var context = new RecordContext(source, body, signatureHeader: null, origin.Created, RecordKind.Snapshot)
            {
                SkipSignatureCheck = true,
                CancellationToken = _abort.Token,
            };
            await pipeline.ProcessAsync(context);
            metrics.Row(row.Topic, context.Outcome == PipelineOutcome.Rejected ? OutcomeNames.Tie : OutcomeNames.Revalidated);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            metrics.Row(row.Topic, OutcomeNames.Tie);
            LogRevalidationFailed(row.Topic, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Postgres sink: re-reading a tied object of '{Table}' failed ({Error}); the later arrival stays.")]
    private partial void LogRevalidationFailed(string table, string error);
}
