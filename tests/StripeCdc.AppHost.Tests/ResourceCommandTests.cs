using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StripeCdc.Testing;

namespace StripeCdc.AppHost.Tests;

/// <summary>The operations an operator runs from the dashboard's Actions menu, carried out by the services behind them.</summary>
[Collection(StackCollection.Name)]
public sealed class ResourceCommandTests(StackFixture stack)
{
    [Fact]
    public async Task Replay_dead_letters_re_injects_a_dead_lettered_event_when_signature_checks_are_skipped()
    {
        var id = "evt_replay_" + Guid.NewGuid().ToString("N")[..10];
        await stack.DeadLetterAsync(id);

        var result = await stack.ExecuteCommandAsync("ingest", "replay-dead-letters", ("skipSignatureCheck", InputType.Boolean, "true"));

        Assert.True(result.Success, result.Message);
        Assert.NotNull(stack.FindRecord("customer", r => Encoding.UTF8.GetString(r.Message.Value).Contains(id, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Start_a_snapshot_reads_every_customer_from_stripe_into_kafka()
    {
        var result = await stack.ExecuteCommandAsync(
            "snapshot", "start-snapshot", ("resources", InputType.Text, "customer"), ("restart", InputType.Boolean, "true"));

        Assert.True(result.Success, result.Message);
        var seen = new HashSet<string>();
        KafkaTopic.Read(stack.KafkaBootstrap, "customer", TimeSpan.FromSeconds(90), r =>
        {
            if (StackFixture.Header(r, "__op") == "r")
            {
                seen.Add(JsonDocument.Parse(r.Message.Value).RootElement.GetProperty("id").GetString()!);
            }

            return !stack.SeededCustomers.All(seen.Contains);
        });
        Assert.Empty(stack.SeededCustomers.Except(seen));
    }

    [Fact]
    public async Task Reconcile_the_last_24_hours_is_accepted_by_the_worker()
    {
        var result = await stack.ExecuteCommandAsync("snapshot", "reconcile-last-24h");

        Assert.True(result.Success, result.Message);
        Assert.Contains("\"id\"", result.Data?.Value ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snapshot_progress_answers_the_workers_snapshots_from_its_admin_api()
    {
        var progress = await stack.ExecuteCommandAsync("snapshot", "snapshot-progress");

        Assert.True(progress.Success, progress.Message);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(progress.Data!.Value).RootElement.ValueKind);
    }

    [Fact]
    public async Task Switch_a_module_turns_the_sample_module_on_and_off_again()
    {
        var on = await stack.ExecuteCommandAsync("ingest", "switch-module", ("module", InputType.Choice, "HashCustomerEmail"), ("enabled", InputType.Boolean, "true"));
        Assert.True(on.Success, on.Message);
        try
        {
            Assert.True(await ProducesHashedEmailAsync(), "No record with a hashed e-mail appeared after switching the module on.");
        }
        finally
        {
            var off = await stack.ExecuteCommandAsync("ingest", "switch-module", ("module", InputType.Choice, "HashCustomerEmail"), ("enabled", InputType.Boolean, "false"));
            Assert.True(off.Success, off.Message);
        }

        Assert.False(await ProducesHashedEmailAsync(), "E-mails were still hashed after switching the module off.");
    }

    [Fact]
    public async Task The_switch_a_module_choice_lists_the_modules_of_the_running_ingests_pipeline()
    {
        var ingest = stack.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "ingest");
        var command = Assert.Single(ingest.Annotations.OfType<ResourceCommandAnnotation>(), c => c.Name == "switch-module");
        var declared = Assert.Single(command.Arguments, a => a.Name == "module");
        // A copy, as the dashboard makes one for each dialog it opens.
        var module = new InteractionInput { Name = declared.Name, InputType = declared.InputType, Required = declared.Required };

        await declared.DynamicLoading!.LoadCallback(new LoadInputContext
        {
            AllInputs = new InteractionInputCollection([module]),
            Input = module,
            Services = stack.App.Services,
            CancellationToken = CancellationToken.None,
        });

        // The core modules and the sample team module the stack loads, as the ingest lists them.
        string[] expected = ["DeadLetter", "Signature", "ThinEventGuard", "Deduplication", "NewAccountBackfill", "Routing", "Metadata", "FanOut", "HashCustomerEmail"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), module.Options!.Select(o => o.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_module_that_does_not_exist_is_a_failed_command_with_the_services_answer()
    {
        var result = await stack.ExecuteCommandAsync("ingest", "switch-module", ("module", InputType.Choice, "NoSuchModule"), ("enabled", InputType.Boolean, "true"));

        Assert.False(result.Success);
    }

    /// <summary>Posts a customer event and reports whether its record carries the e-mail's SHA-256 instead of the address.</summary>
    private async Task<bool> ProducesHashedEmailAsync()
    {
        const string email = "hashed@example.com";
        var customer = "cus_hash_" + Guid.NewGuid().ToString("N")[..8];
        var response = await stack.PostEventAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer(customer, email), id: "evt_" + customer));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = stack.FindRecord("customer", r => Encoding.UTF8.GetString(r.Message.Value).Contains(customer, StringComparison.Ordinal));
        Assert.NotNull(record);
        var value = Encoding.UTF8.GetString(record!.Message.Value);
        return value.Contains(Sha256Hex(email), StringComparison.Ordinal) && !value.Contains(email, StringComparison.Ordinal);
    }

    private static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
