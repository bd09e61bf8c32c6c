using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using StripeCdc.Records;
using StripeCdc.Sinks;
using StripeCdc.Telemetry;

namespace StripeCdc.Pipeline;

/// <summary>
/// Folds the enabled modules around the sink, the way ASP.NET Core's <c>ApplicationBuilder</c> folds
/// middleware: the chain is built once and rebuilt only when configuration (and so a flag) changes,
/// so a record pays nothing for flags.
/// </summary>
public sealed class RecordPipeline : IDisposable
{
    private readonly IRecordModule[] _modules;
    private readonly IRecordSink _sink;
    private readonly ModuleFlags _flags;
    private readonly ILogger<RecordPipeline> _logger;
    private readonly IDisposable? _reloadRegistration;
    private readonly SemaphoreSlim _rebuildLock = new(1, 1);
    private volatile Chain _chain;

    internal RecordPipeline(
        IEnumerable<IRecordModule> modules,
        IRecordSink sink,
        ModuleFlags flags,
        ILogger<RecordPipeline> logger,
        IConfiguration? configuration = null)
    {
        _modules = [.. modules.OrderBy(m => m.Order).ThenBy(m => m.Name, StringComparer.Ordinal)];
        var duplicate = _modules.GroupBy(m => m.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two pipeline modules are named '{duplicate.Key}'; module names are flag names and must be unique.");
        }

        _sink = sink;
        _flags = flags;
        _logger = logger;
        _chain = BuildAsync().GetAwaiter().GetResult();
        Log(_chain);
        if (configuration is not null)
        {
            // The feature manager refreshes its own cache on the same token; let its callback run first.
            _reloadRegistration = ChangeToken.OnChange(configuration.GetReloadToken, () => _ = Task.Run(RefreshAsync));
        }
    }

    /// <summary>The modules in order, with their flag state as of the last build.</summary>
    public IReadOnlyList<ModuleDescription> Modules => _chain.Descriptions;

    /// <summary>Runs one event through the enabled modules and the sink.</summary>
    public ValueTask ProcessAsync(RecordContext context) => _chain.Invoke(context);

    /// <summary>Re-evaluates every module's flag and swaps in a new chain.</summary>
    public async Task RefreshAsync()
    {
        await _rebuildLock.WaitAsync();
        try
        {
            var chain = await BuildAsync();
            if (!chain.Descriptions.SequenceEqual(_chain.Descriptions))
            {
                _chain = chain;
                Log(chain);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogError(ex, "Could not re-evaluate the pipeline's module flags; the previous chain stays in use.");
        }
        finally
        {
            _rebuildLock.Release();
        }
    }

    public void Dispose()
    {
        _reloadRegistration?.Dispose();
        _rebuildLock.Dispose();
    }

    private async Task<Chain> BuildAsync()
    {
        var descriptions = new ModuleDescription[_modules.Length];
        var enabled = new List<IRecordModule>(_modules.Length);
        for (var i = 0; i < _modules.Length; i++)
        {
            var module = _modules[i];
            var isEnabled = await _flags.IsEnabledAsync(module.Name);
            descriptions[i] = new ModuleDescription(module.Name, module.Order, isEnabled, module.GetType().FullName ?? module.Name);
            if (isEnabled)
            {
                enabled.Add(module);
            }
        }

        RecordDelegate next = WriteToSinkAsync;
        for (var i = enabled.Count - 1; i >= 0; i--)
        {
            var module = enabled[i];
            var inner = next;
            next = context => InvokeTraced(module, context, inner);
        }

        return new Chain(next, descriptions);
    }

    private async ValueTask WriteToSinkAsync(RecordContext context)
    {
        // Even with every module switched off, a body that is not an event must not pass silently.
        _ = context.Event;
        if (context.Outcome != PipelineOutcome.Pending)
        {
            return;
        }

        if (context.Records.Count == 0)
        {
            context.Outcome = PipelineOutcome.Skipped;
            return;
        }

        var origin = Origin(context);
        foreach (var record in context.Records)
        {
            record.Origin ??= origin;
        }

        context.SinkResult = await _sink.WriteAsync(context.Records, context.CancellationToken);
        context.Outcome = PipelineOutcome.Produced;
    }

    private static RecordOrigin Origin(RecordContext context)
    {
        var stripeEvent = context.Event;
        var created = stripeEvent.Created is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : context.ReceivedAt;
        return new RecordOrigin(context.Source.Name, stripeEvent.Id, stripeEvent.Type, created, context.ChangeKind.IsDelete, context.Kind != RecordKind.Change);
    }

    private static ValueTask InvokeTraced(IRecordModule module, RecordContext context, RecordDelegate next)
    {
        var activity = StripeCdcTelemetry.PipelineSource.StartActivity(module.Name);
        if (activity is null)
        {
            return module.InvokeAsync(context, next);
        }

        activity.SetTag("stripecdc.module", module.Name);
        return AwaitTraced(activity, module.InvokeAsync(context, next));

        static async ValueTask AwaitTraced(Activity activity, ValueTask invocation)
        {
            try
            {
                await invocation;
            }
            catch (Exception ex)
            {
                activity.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
                throw;
            }
            finally
            {
                activity.Dispose();
            }
        }
    }

    private void Log(Chain chain)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var order = string.Join(" → ", chain.Descriptions.Select(d => d.Enabled ? $"{d.Name}({d.Order})" : $"[{d.Name} off]"));
            _logger.LogInformation("Record pipeline: {Modules} → sink", order);
        }
    }

    private sealed record Chain(RecordDelegate Invoke, ModuleDescription[] Descriptions);
}
