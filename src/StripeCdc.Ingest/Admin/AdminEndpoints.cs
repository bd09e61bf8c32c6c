using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using StripeCdc.Configuration;
using StripeCdc.Flags;
using StripeCdc.Pipeline;
using StripeCdc.Replay;
using StripeCdc.ServiceDefaults;
using StripeCdc.Telemetry;

namespace StripeCdc.Ingest.Admin;

/// <summary>
/// Operations for the dashboard and operators: the pipeline (modules, flags, counters), switching a
/// module for the whole deployment (<see cref="PipelineEndpoints"/>) and replaying the DLQ. All behind <see cref="AdminTokenFilter"/>.
/// </summary>
internal static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin").RequireAdminToken();

        admin.MapPipelineEndpoints();

        admin.MapPost("/dlq/replay", async (ReplayRequest request, DeadLetterReplayer replayer, SourceCatalog sources, CancellationToken cancellationToken) =>
        {
            var source = request.Source
                ?? sources.All.FirstOrDefault(s => s.DeadLetterTopic == request.Topic)?.Name
                ?? SourceCatalog.DefaultSourceName;
            if (sources.Find(source) is null)
            {
                return Results.Problem($"No source named '{source}'.", statusCode: StatusCodes.Status404NotFound);
            }

            return Results.Ok(await replayer.ReplayAsync(source, request.SkipSignatureCheck, cancellationToken));
        });

        return endpoints;
    }

    private sealed record ReplayRequest(string? Source, string? Topic, bool SkipSignatureCheck);
}
