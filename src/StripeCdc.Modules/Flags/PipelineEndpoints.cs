using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using StripeCdc.Pipeline;
using StripeCdc.Sinks;
using StripeCdc.Telemetry;

namespace StripeCdc.Flags;

/// <summary>
/// <c>GET pipeline</c> (modules in order with their flags, counters) and <c>PUT pipeline/modules/{name}</c>
/// <c>{"enabled":true|false|null}</c>, which switches a module for the whole deployment (null: back to
/// the configured flag). Both services map them under their token-protected <c>/admin</c> group.
/// </summary>
public static class PipelineEndpoints
{
    public static IEndpointRouteBuilder MapPipelineEndpoints(this IEndpointRouteBuilder admin)
    {
        admin.MapGet("/pipeline", (RecordPipeline pipeline, PipelineStatistics statistics) =>
            new PipelineView(pipeline.Modules, statistics.Snapshot()));

        admin.MapPut("/pipeline/modules/{name}", async (string name, ModuleSwitch request, RecordPipeline pipeline, IModuleFlagStore flags, CancellationToken cancellationToken) =>
        {
            var module = pipeline.Modules.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
            if (module is null)
            {
                return Results.Problem($"No module named '{name}'.", statusCode: StatusCodes.Status404NotFound);
            }

            try
            {
                await flags.SetAsync(module.Name, request.Enabled, cancellationToken);
            }
            catch (SinkException ex)
            {
                return Results.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            return Results.Ok(pipeline.Modules.First(m => m.Name == module.Name));
        });

        return admin;
    }

    private sealed record PipelineView(IReadOnlyList<ModuleDescription> Modules, PipelineStatisticsSnapshot Stats);

    private sealed record ModuleSwitch(bool? Enabled);
}
