namespace StripeCdc.AppHost.Commands;

/// <summary>The snapshot worker's operations in the dashboard's Actions menu.</summary>
internal static class SnapshotCommands
{
    public const string StartSnapshot = "start-snapshot";
    public const string Reconcile = "reconcile-last-24h";

    public static IResourceBuilder<ProjectResource> WithSnapshotCommand(this IResourceBuilder<ProjectResource> builder, LocalSecrets secrets) =>
        builder.WithHttpCommand(
            "/snapshots",
            "Start a snapshot",
            commandName: StartSnapshot,
            commandOptions: AdminApi.Options(
                secrets,
                "Reads the chosen resources from the Stripe API into their topics (needs the source's StripeApiKey).",
                context => new
                {
                    source = "default",
                    resources = context.Arguments["resources"].Value!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    restart = context.Arguments.GetBoolean("restart"),
                    prune = context.Arguments.GetBoolean("prune"),
                },
                [
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
                        Description = "After each complete listing, objects the sink holds that Stripe no longer has (checked one GET each) become deletes.",
                        InputType = InputType.Boolean,
                        Value = "false",
                    },
                ]));

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
