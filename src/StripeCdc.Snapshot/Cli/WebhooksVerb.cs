using System.CommandLine;
using StripeCdc.Snapshot.Webhooks;

namespace StripeCdc.Snapshot.Cli;

/// <summary><c>webhooks create|list|update|delete</c>: the Stripe webhook endpoint the connector manages (SPEC §7).</summary>
internal static class WebhooksVerb
{
    public static Command Create(CliContext context)
    {
        var list = new Command("list", "List the account's webhook endpoints and which of them this connector manages.");
        list.SetAction(ListAction(context));
        var command = new Command("webhooks", "Create, list, update and delete the Stripe webhook endpoint that delivers to the connector (without an action: list).")
        {
            CreateCommand(context),
            list,
            UpdateCommand(context),
            DeleteCommand(context),
        };
        command.SetAction(ListAction(context));
        return command;
    }

    /// <summary>The endpoint URL carries the connector's api_key: never print it.</summary>
    internal static string RedactUrl(string url)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? url : url[..query] + "?…";
    }

    private static Command CreateCommand(CliContext context)
    {
        var url = new Option<string>("--url")
        {
            Description = "The public URL Stripe posts to, with the connector's key: https://host/webhooks/stripe/<source>?api_key=….",
            Required = true,
        };
        var resources = CliValues.ListOption("--resources", "Resources whose events to enable, comma-separated, or * for all (default: the source's Resources).");
        var description = new Option<string?>("--description") { Description = "The endpoint's description in the Stripe dashboard." };
        var command = new Command("create", "Create the endpoint (enabled events from the resources, API version pinned) and store its signing secret in the secrets file.")
        {
            url,
            resources,
            description,
        };
        command.SetAction((parsed, cancellationToken) => context.RunAsync(parsed, writesRecords: false, deduplicates: false, async (services, source, token) =>
        {
            var registrar = services.GetRequiredService<WebhookRegistrar>();
            var endpoint = await registrar.CreateAsync(source, parsed.GetValue(url)!, parsed.GetValue(resources), parsed.GetValue(description), token);
            await context.Output.WriteLineAsync($"created {endpoint.Id} → {RedactUrl(endpoint.Url)} (api_version {endpoint.ApiVersion}, {endpoint.EnabledEvents.Count} event types)");
            await context.Output.WriteLineAsync($"signing secret {SigningSecretStore.Mask(endpoint.Secret)} stored in {registrar.Store.Path} as StripeCdc:Sources:{source.Name}:SigningSecrets");
            return ExitCodes.Done;
        }, cancellationToken));
        return command;
    }

    private static Func<ParseResult, CancellationToken, Task<int>> ListAction(CliContext context) =>
        (parsed, cancellationToken) => context.RunAsync(parsed, writesRecords: false, deduplicates: false, async (services, source, token) =>
        {
            var registrar = services.GetRequiredService<WebhookRegistrar>();
            var ours = registrar.Store.Endpoints(source.Name);
            foreach (var endpoint in await registrar.ListAsync(source, token))
            {
                var managed = ours.TryGetValue(endpoint.Id, out var secret) ? $"managed, secret {SigningSecretStore.Mask(secret)}" : "not managed here";
                await context.Output.WriteLineAsync($"{endpoint.Id} {endpoint.Status} {RedactUrl(endpoint.Url)} api_version={endpoint.ApiVersion} events={endpoint.EnabledEvents.Count} ({managed})");
            }

            return ExitCodes.Done;
        }, cancellationToken);

    private static Command UpdateCommand(CliContext context)
    {
        var id = IdOption();
        var url = new Option<string?>("--url") { Description = "A new URL." };
        var resources = CliValues.ListOption("--resources", "New enabled events from these resources, comma-separated, or * for all.");
        var disable = new Option<bool>("--disable") { Description = "Stop deliveries to the endpoint." };
        var enable = new Option<bool>("--enable") { Description = "Resume deliveries to the endpoint." };
        var command = new Command("update", "Change an endpoint's URL, enabled events or status.")
        {
            id,
            url,
            resources,
            disable,
            enable,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(disable) && result.GetValue(enable))
            {
                result.AddError("--disable and --enable cannot be used together.");
            }
        });
        command.SetAction((parsed, cancellationToken) => context.RunAsync(parsed, writesRecords: false, deduplicates: false, async (services, source, token) =>
        {
            bool? disabled = parsed.GetValue(disable) ? true : parsed.GetValue(enable) ? false : null;
            var endpoint = await services.GetRequiredService<WebhookRegistrar>().UpdateAsync(source, parsed.GetValue(id)!, parsed.GetValue(url), parsed.GetValue(resources), disabled, token);
            await context.Output.WriteLineAsync($"updated {endpoint.Id} → {RedactUrl(endpoint.Url)} {endpoint.Status}, {endpoint.EnabledEvents.Count} event types");
            return ExitCodes.Done;
        }, cancellationToken));
        return command;
    }

    private static Command DeleteCommand(CliContext context)
    {
        var id = IdOption();
        var command = new Command("delete", "Delete an endpoint and remove its signing secret from the secrets file.") { id };
        command.SetAction((parsed, cancellationToken) => context.RunAsync(parsed, writesRecords: false, deduplicates: false, async (services, source, token) =>
        {
            var registrar = services.GetRequiredService<WebhookRegistrar>();
            await registrar.DeleteAsync(source, parsed.GetValue(id)!, token);
            await context.Output.WriteLineAsync($"deleted {parsed.GetValue(id)}; its signing secret was removed from {registrar.Store.Path}");
            return ExitCodes.Done;
        }, cancellationToken));
        return command;
    }

    private static Option<string> IdOption() => new("--id") { Description = "The endpoint's id (we_…).", Required = true };
}
