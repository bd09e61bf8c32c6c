using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StripeCdc.Ingest.Tests.Support;

/// <summary>A real logger provider that keeps every formatted message, exception and scope in memory.</summary>
internal sealed class MemoryLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider? _scopes;

    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new MemoryLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class MemoryLogger(MemoryLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel} {category}: {formatter(state, exception)} {exception}";
            if (state is IEnumerable<KeyValuePair<string, object?>> properties)
            {
                line += " | " + string.Join(", ", properties.Select(p => $"{p.Key}={p.Value}"));
            }

            var scopes = new List<string>();
            provider._scopes?.ForEachScope(
                (scope, list) => list.Add(scope is IEnumerable<KeyValuePair<string, object?>> pairs
                    ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}"))
                    : scope?.ToString() ?? ""),
                scopes);
            provider.Lines.Enqueue(line + (scopes.Count > 0 ? " | scopes: " + string.Join("; ", scopes) : ""));
        }
    }
}
