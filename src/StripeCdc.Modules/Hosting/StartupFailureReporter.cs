using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StripeCdc.Hosting;

/// <summary>
/// Runs a service and turns a start-up failure into what an operator can act on: a known one
/// (<see cref="StartupException"/>, <see cref="OptionsValidationException"/>) becomes one line on stderr,
/// <c>StripeCdc &lt;service&gt; cannot start: …</c>, and exit code 1; an unknown one is printed whole, also with
/// exit code 1. The host's own "Hosting failed to start" log (the same exception with its stack) is left out,
/// so the line is all the operator sees.
/// </summary>
public static class StartupFailureReporter
{
    public const int FailedExitCode = 1;

    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>Keeps the host's own error log quiet until the service has started: <see cref="RunAsync"/> reports those failures.</summary>
    public static TBuilder AddStartupFailureReporting<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var window = new StartupWindow();
        builder.Services.AddSingleton(window);
        builder.Logging.AddFilter(HostCategory, level => window.Started || level < LogLevel.Error);
        return builder;
    }

    /// <summary>Builds, starts and runs the service until it stops; 0 after a normal stop, 1 when it could not start.</summary>
    public static async Task<int> RunAsync(string service, Func<WebApplication> build, TextWriter? error = null)
    {
        error ??= Console.Error;
        WebApplication app;
        try
        {
            app = build();
        }
        catch (Exception ex)
        {
            return await ReportAsync(service, ex, error);
        }

        try
        {
            await app.StartAsync();
        }
        catch (Exception ex)
        {
            var code = await ReportAsync(service, ex, error);
            await DisposeQuietlyAsync(app);
            return code;
        }

        if (app.Services.GetService<StartupWindow>() is { } window)
        {
            window.Started = true;
        }

        await app.WaitForShutdownAsync();
        await app.DisposeAsync();
        return 0;
    }

    /// <summary>The one line for a known start-up failure; null for an unknown exception.</summary>
    public static string? Describe(Exception exception)
    {
        var known = Find(exception);
        return known is null ? null : OneLine(known.Message);
    }

    private static async Task<int> ReportAsync(string service, Exception exception, TextWriter error)
    {
        var line = Describe(exception);
        await error.WriteLineAsync(line is not null
            ? $"StripeCdc {service} cannot start: {line}"
            : $"StripeCdc {service} cannot start: an unexpected error: {exception}");
        await error.FlushAsync();
        return FailedExitCode;
    }

    private static Exception? Find(Exception exception)
    {
        switch (exception)
        {
            case StartupException or OptionsValidationException:
                return exception;
            case AggregateException aggregate:
                return aggregate.InnerExceptions.Select(Find).FirstOrDefault(e => e is not null);
            default:
                return exception.InnerException is { } inner ? Find(inner) : null;
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>A service that failed to start may hold clients that wait on an absent dependency when disposed.</summary>
    private static async Task DisposeQuietlyAsync(WebApplication app)
    {
        try
        {
            await app.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(3));
        }
        catch (Exception ex) when (ex is TimeoutException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The process exits next; what it could not release is released with it.
        }
    }

    private sealed class StartupWindow
    {
        public volatile bool Started;
    }
}
