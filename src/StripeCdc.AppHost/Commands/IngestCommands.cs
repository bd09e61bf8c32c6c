namespace StripeCdc.AppHost.Commands;

/// <summary>The ingest's operations in the dashboard's Actions menu.</summary>
internal static class IngestCommands
{
    public const string ReplayDeadLetters = "replay-dead-letters";
    public const string SwitchModule = "switch-module";

    public static IResourceBuilder<ProjectResource> WithDeadLetterReplayCommand(this IResourceBuilder<ProjectResource> builder, LocalSecrets secrets) =>
        builder.WithHttpCommand(
            "/admin/dlq/replay",
            "Replay dead letters",
            commandName: ReplayDeadLetters,
            commandOptions: AdminApi.Options(
                secrets,
                "Re-injects the default source's dead-lettered events through the pipeline.",
                context => new { source = "default", skipSignatureCheck = context.Arguments.GetBoolean("skipSignatureCheck") },
                [new InteractionInput
                {
                    Name = "skipSignatureCheck",
                    Label = "Skip signature checks",
                    Description = "Only for events whose signature can no longer be verified (an expired timestamp, a retired secret).",
                    InputType = InputType.Boolean,
                    Value = "false",
                }]));

    public static IResourceBuilder<ProjectResource> WithModuleSwitchCommand(this IResourceBuilder<ProjectResource> builder, LocalSecrets secrets)
    {
        var options = AdminApi.Options(
            secrets,
            "Switches a pipeline module's feature flag on or off for every service that writes records.",
            context =>
            {
                var module = context.Arguments["module"].Value!;
                context.Request.Method = HttpMethod.Put;
                context.Request.RequestUri = new Uri(context.Request.RequestUri!, Uri.EscapeDataString(module));
                return new { enabled = context.Arguments.GetBoolean("enabled") };
            },
            [
                new InteractionInput
                {
                    Name = "module",
                    Label = "Module",
                    InputType = InputType.Choice,
                    Required = true,
                    // The running service's own modules, asked when the dialog opens.
                    DynamicLoading = PipelineModules.LoadFrom(builder.GetEndpoint("http"), secrets),
                },
                new InteractionInput { Name = "enabled", Label = "On", InputType = InputType.Boolean, Value = "true" },
            ]);
        return builder.WithHttpCommand("/admin/pipeline/modules/", "Switch a module", commandName: SwitchModule, commandOptions: options);
    }
}
