namespace StripeCdc.AppHost.Commands;

/// <summary>The snapshot worker's operations in the dashboard's Actions menu.</summary>
internal static class SnapshotCommands
{
    public const string StartSnapshot = "start-snapshot";
    public const string Reconcile = "reconcile-last-24h";
    public const string SnapshotProgress = "snapshot-progress";

    public static IResourceBuilder<ProjectResource> WithSnapshotCommand(this IResourceBuilder<ProjectResource> builder, LocalSecrets secrets) =>
        builder.WithHttpCommand(
            "/snapshots",
            "Start a snapshot",
            commandName: StartSnapshot,
            commandOptions: AdminApi.Options(
                secrets,
                "Reads the chosen resources from the Stripe API into their topics (needs the source's StripeApiKey). "
                    + "On a Connect source, 'Connected accounts' reads them for each account instead; the answer's 'accounts' shows how many are done.",
                context => new
                {
                    source = Text(context, "source") ?? "default",
                    resources = context.Arguments["resources"].Value!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    restart = context.Arguments.GetBoolean("restart"),
                    prune = context.Arguments.GetBoolean("prune"),
                    accounts = Text(context, "accounts")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                },
                [
                    new InteractionInput
                    {
                        Name = "source",
                        Label = "Source",
                        Description = "The source to snapshot (a Connect platform's connected accounts are on its Connect source).",
                        InputType = InputType.Text,
                        Required = false,
                        Value = "default",
                    },
                    new InteractionInput
                    {
                        Name = "accounts",
                        Label = "Connected accounts",
                        Description = "Connect source only: 'all', or acct_… ids, comma-separated. Empty: the platform's own account.",
                        InputType = InputType.Text,
                        Required = false,
                        Value = "",
                    },
                    new InteractionInput
                    {
                        Name = "resources",
                        Label = "Resources",
                        Description = "Comma-separated, e.g. customer,charge,invoice,subscription.",
                        InputType = InputType.Text,
                        Required = true,
                        Value = "customer",
                    },
                    new InteractionInput
                    {
                        Name = "restart",
                        Label = "Restart from the beginning",
                        Description = "Otherwise an unfinished snapshot resumes from its last checkpoint.",
                        InputType = InputType.Boolean,
                        Value = "false",
                    },
                    new InteractionInput
                    {
                        Name = "prune",
                        Label = "Prune missed deletes",
                        Description = "After each complete listing, objects the sink holds that Stripe no longer has (checked one GET each) become deletes; with connected accounts, per account.",
                        InputType = InputType.Boolean,
                        Value = "false",
                    },
                ]));

    /// <summary>
    /// <c>GET /snapshots</c>: every snapshot of this worker with its progress; a <c>--accounts</c> snapshot's
    /// <c>accounts</c> says how many accounts are done and which are in progress.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithSnapshotProgressCommand(this IResourceBuilder<ProjectResource> builder, LocalSecrets secrets)
    {
        var options = AdminApi.Options(secrets, "Shows the worker's snapshots and their progress (per resource, and per connected account).");
        options.Method = HttpMethod.Get;
        return builder.WithHttpCommand("/snapshots", "Snapshot progress", commandName: SnapshotProgress, commandOptions: options);
    }

    /// <summary>An optional text input's value, or null when it is absent or blank.</summary>
    private static string? Text(HttpCommandRequestContext context, string name) =>
        context.Arguments.FirstOrDefault(i => i.Name == name)?.Value is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public static IResourceBuilder<ProjectResource> WithReconciliationCommand(this IResourceBuilder<ProjectResource> builder, LocalSecrets secrets) =>
        builder.WithHttpCommand(
            "/reconciliations",
            "Reconcile the last 24 h",
            commandName: Reconcile,
            commandOptions: AdminApi.Options(
                secrets,
                "Lists the last 24 hours of Stripe events and writes every event the connector has not committed.",
                _ => new { source = "default", hours = 24 }));
}
