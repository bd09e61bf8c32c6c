using StripeCdc.Configuration;
using StripeCdc.ServiceDefaults;
using StripeCdc.Snapshot.Hosting;
using StripeCdc.Snapshot.Reconciliation;

namespace StripeCdc.Snapshot.Admin;

/// <summary>
/// The worker's admin API: <c>POST /snapshots</c>, <c>GET /snapshots</c>, <c>GET /snapshots/{id}</c>,
/// <c>POST /reconciliations</c> (optionally for one connected <c>account</c>), <c>GET /reconciliations/{id}</c>,
/// <c>GET /reconciliations/positions</c> (each connected account's reconciliation position). Jobs run in the background; the GETs
/// report their progress. Every endpoint needs the admin token (<see cref="AdminTokenFilter"/>).
/// </summary>
internal static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var app = endpoints.MapGroup("").RequireAdminToken();
        app.MapPost("/snapshots", (SnapshotRequest? request, JobRegistry jobs) =>
        {
            var (job, error) = jobs.StartSnapshot(request?.Source ?? SourceCatalog.DefaultSourceName, request?.Resources, request?.Restart ?? false, request?.Prune ?? false, request?.Accounts);
            return job is null
                ? Results.Problem(error, statusCode: StatusCodes.Status400BadRequest)
                : Results.Accepted($"/snapshots/{job.Id}", SnapshotView.From(job));
        });
        app.MapGet("/snapshots", (JobRegistry jobs) => Results.Ok(jobs.Snapshots.Select(SnapshotView.From)));
        app.MapGet("/snapshots/{id}", (string id, JobRegistry jobs) =>
            jobs.FindSnapshot(id) is { } job ? Results.Ok(SnapshotView.From(job)) : Results.NotFound());

        app.MapPost("/reconciliations", (ReconciliationRequest? request, JobRegistry jobs, TimeProvider time) =>
        {
            var (job, error) = jobs.StartReconciliation(
                request?.Source ?? SourceCatalog.DefaultSourceName,
                request?.From ?? (request?.Hours is { } hours ? time.GetUtcNow().AddHours(-hours) : null),
                request?.To,
                request?.OnlyFailedDeliveries ?? false,
                request?.Account);
            return job is null
                ? Results.Problem(error, statusCode: StatusCodes.Status400BadRequest)
                : Results.Accepted($"/reconciliations/{job.Id}", ReconciliationView.Of(job));
        });

        // Where each connected account's reconciliation stands (per-account detail lives here and in the logs, not in metric labels).
        app.MapGet("/reconciliations/positions", async (string? source, SourceCatalog sources, AccountReconciliationPositions positions, CancellationToken cancellationToken) =>
            sources.Find(source ?? SourceCatalog.DefaultSourceName) is { } found
                ? Results.Ok(await positions.OfAsync(found.Name, cancellationToken))
                : Results.Problem($"No source named '{source}'.", statusCode: StatusCodes.Status400BadRequest));
        app.MapGet("/reconciliations/{id}", (string id, JobRegistry jobs) =>
            jobs.FindReconciliation(id) is { } job ? Results.Ok(ReconciliationView.Of(job)) : Results.NotFound());

        return endpoints;
    }
}
