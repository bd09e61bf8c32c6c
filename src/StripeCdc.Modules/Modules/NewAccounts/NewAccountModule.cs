using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StripeCdc.Checkpoints;
using StripeCdc.Connect;
using StripeCdc.Pipeline;

namespace StripeCdc.Modules.NewAccounts;

/// <summary>
/// <c>ConnectBackfillNewAccounts</c> (SPEC §12): on a Connect source with the setting, the first event of a connected
/// account not seen before (and every <c>account.application.authorized</c>) stores a backfill request for
/// the account before the event is acknowledged; the snapshot worker starts the backfill. Only that first
/// event pays the write, made beside the event's own; a failed write leaves the account unknown, so its next
/// event tries again, and never fails the event. Snapshot reads and pruned deletes pass through untouched.
/// </summary>
internal sealed partial class NewAccountModule(TimeProvider time, ILogger<NewAccountModule> logger, IAccountBackfillRequests? requests = null) : IRecordModule
{
    public const string AuthorizedEventType = "account.application.authorized";

    private readonly ConcurrentDictionary<(string Source, string Account), byte> _known = new();
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile bool _loaded;

    public string Name => "NewAccountBackfill";

    public int Order => ModuleOrder.NewAccounts;

    public async ValueTask InvokeAsync(RecordContext context, RecordDelegate next)
    {
        if (requests is null
            || context.Kind != RecordKind.Change
            || !context.Source.Options.ConnectBackfillNewAccounts
            || context.ConnectedAccount is not { } account
            || !CheckpointScope.IsAccountId(account))
        {
            await next(context);
            return;
        }

        var key = (context.Source.Name, account);
        var authorized = string.Equals(context.Event.Type, AuthorizedEventType, StringComparison.Ordinal);
        if (!authorized && await IsKnownAsync(key, context.CancellationToken))
        {
            await next(context);
            return;
        }

        var request = RequestAsync(new AccountBackfillRequest(key.Name, account, time.GetUtcNow()), context.Event.Type, context.CancellationToken);
        await next(context);
        await request;
    }

    private async ValueTask<bool> IsKnownAsync((string Source, string Account) key, CancellationToken cancellationToken)
    {
        if (!_loaded)
        {
            await LoadAsync(cancellationToken);
        }

        return _known.ContainsKey(key);
    }

    /// <summary>Learns the accounts already requested, once; until it succeeds, every event's account counts as new.</summary>
    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_loaded)
            {
                return;
            }

            foreach (var stored in await requests!.ReadAsync(0, cancellationToken))
            {
                _known.TryAdd((stored.Source, stored.Account), 0);
            }

            _loaded = true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogLoadFailed(ex.Message);
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task RequestAsync(AccountBackfillRequest request, string eventType, CancellationToken cancellationToken)
    {
        try
        {
            await requests!.RequestAsync(request, cancellationToken);
            if (_known.TryAdd((request.Source, request.Account), 0))
            {
                LogRequested(request.Source, request.Account, eventType);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The account stays unknown: its next event asks again.
            LogRequestFailed(request.Source, request.Account, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Source '{Source}': connected account {Account} first seen ({EventType}); its backfill is requested.")]
    private partial void LogRequested(string source, string account, string eventType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Source '{Source}': the backfill request of connected account {Account} could not be stored ({Error}); its next event asks again.")]
    private partial void LogRequestFailed(string source, string account, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The connected accounts already requested could not be read ({Error}); until they are, each event's account is requested again.")]
    private partial void LogLoadFailed(string error);
}
