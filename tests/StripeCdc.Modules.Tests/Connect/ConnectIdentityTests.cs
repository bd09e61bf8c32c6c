using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StripeCdc.Configuration;
using StripeCdc.Pipeline;
using StripeCdc.Records;
using StripeCdc.Testing;

namespace StripeCdc.Modules.Tests.Connect;

/// <summary>SPEC §12 identity: a Connect source's records of a connected account carry it in the key and the value.</summary>
public sealed class ConnectIdentityTests
{
    private const string AccountA = "acct_1AaaaConnectA";
    private const string AccountB = "acct_1BbbbConnectB";

    [Fact]
    public void Connect_is_off_by_default()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());

        Assert.False(harness.Sources.Get("default").Options.Connect);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("false", false)]
    public void Connect_reads_a_boolean(string text, bool expected)
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("Connect", text)));

        Assert.Equal(expected, harness.Sources.Get("default").Options.Connect);
    }

    [Fact]
    public void A_Connect_value_that_is_not_a_boolean_fails_at_start_up_naming_the_setting()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => new PipelineHarness(PipelineHarness.Source(settings: ("Connect", "yes"))));

        var failure = Assert.Single(ex.Failures);
        Assert.Contains("StripeCdc:Sources:default:Connect must be true or false (was 'yes')", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_accounts_objects_of_the_same_id_get_two_keys_led_by_the_account()
    {
        using var harness = Connect();

        await harness.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same", "a@example.com"), id: "evt_a", account: AccountA));
        await harness.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same", "b@example.com"), id: "evt_b", account: AccountB));

        var records = harness.Sink.Records.ToArray();
        Assert.Equal(2, records.Length);
        Assert.Equal($$"""{"account":"{{AccountA}}","id":"cus_same"}""", Encoding.UTF8.GetString(records[0].Key!));
        Assert.Equal($$"""{"account":"{{AccountB}}","id":"cus_same"}""", Encoding.UTF8.GetString(records[1].Key!));
        Assert.Equal(AccountA, records[0].Json.GetProperty("_account").GetString());
        Assert.Equal(AccountB, records[1].Json.GetProperty("_account").GetString());
    }

    [Fact]
    public async Task Two_accounts_balances_are_two_keys()
    {
        using var harness = Connect(("Resources", "balance"));

        await harness.ProcessAsync(StripeObjects.Event("balance.available", Balance(100), id: "evt_ba", account: AccountA));
        await harness.ProcessAsync(StripeObjects.Event("balance.available", Balance(200), id: "evt_bb", account: AccountB));

        var keys = harness.Sink.Records.Select(r => Encoding.UTF8.GetString(r.Key!)).ToArray();
        Assert.Equal([$$"""{"account":"{{AccountA}}","id":"balance"}""", $$"""{"account":"{{AccountB}}","id":"balance"}"""], keys);
    }

    [Fact]
    public async Task The_platforms_own_event_keeps_the_id_key_and_has_no_account()
    {
        using var harness = Connect();

        await harness.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same")));

        var record = Assert.Single(harness.Sink.Records);
        Assert.Equal("""{"id":"cus_same"}""", Encoding.UTF8.GetString(record.Key!));
        Assert.False(record.Json.TryGetProperty("_account", out _));
    }

    [Fact]
    public async Task A_connected_accounts_record_carries_account_also_without_event_metadata()
    {
        using var harness = Connect(("IncludeEventMetadata", "false"));

        await harness.ProcessAsync(StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same"), account: AccountA));

        var record = Assert.Single(harness.Sink.Records);
        Assert.Equal(AccountA, record.Json.GetProperty("_account").GetString());
        Assert.False(record.Json.TryGetProperty("_event_id", out _));
        Assert.Equal(AccountA, record.KeyJson.GetProperty("account").GetString());
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task A_source_without_Connect_keeps_the_id_key_for_an_event_with_an_account(string includeMetadata)
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("IncludeEventMetadata", includeMetadata)));
        var body = StripeObjects.Event("customer.updated", StripeObjects.Customer("cus_same"), account: AccountA);

        await harness.ProcessAsync(body);

        var record = Assert.Single(harness.Sink.Records);
        Assert.Equal("""{"id":"cus_same"}""", Encoding.UTF8.GetString(record.Key!));

        // As before Connect existed: _account only with the event metadata.
        Assert.Equal(includeMetadata == "true", record.Json.TryGetProperty("_account", out _));
    }

    [Fact]
    public async Task A_connected_accounts_fan_out_child_carries_the_account_in_key_and_value()
    {
        using var harness = Connect(("FanOutFields", "invoice.lines"));

        await harness.ProcessAsync(StripeObjects.Event("invoice.paid", StripeObjects.Invoice("in_same", lines: 2), account: AccountB));

        var children = harness.Sink.Records.Where(r => r.Role == RecordRole.Child).ToArray();
        Assert.Equal(2, children.Length);
        foreach (var child in children)
        {
            Assert.Equal("invoice_lines", child.Topic);
            Assert.Equal(AccountB, child.KeyJson.GetProperty("account").GetString());
            Assert.Equal("in_same", child.KeyJson.GetProperty("id").GetString());
            Assert.Equal(AccountB, child.Json.GetProperty("_account").GetString());
        }

        Assert.Equal(
            [$$"""{"account":"{{AccountB}}","id":"in_same","item_id":"{{StripeObjects.LineId("in_same", 0)}}"}""", $$"""{"account":"{{AccountB}}","id":"in_same","item_id":"{{StripeObjects.LineId("in_same", 1)}}"}"""],
            children.Select(c => Encoding.UTF8.GetString(c.Key!)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_platform_events_fan_out_child_keeps_its_key()
    {
        using var harness = Connect(("FanOutFields", "invoice.lines"));

        await harness.ProcessAsync(StripeObjects.Event("invoice.paid", StripeObjects.Invoice("in_same", lines: 1)));

        var child = Assert.Single(harness.Sink.Records, r => r.Role == RecordRole.Child);
        Assert.Equal($$"""{"id":"in_same","item_id":"{{StripeObjects.LineId("in_same", 0)}}"}""", Encoding.UTF8.GetString(child.Key!));
        Assert.False(child.Json.TryGetProperty("_account", out _));
    }

    [Fact]
    public async Task A_connected_accounts_dead_letter_carries_the_account_in_a_header_and_the_body_unchanged()
    {
        using var harness = Connect(("UnselectedResourceBehavior", "FAIL"));
        var body = StripeObjects.Event("payout.paid", global::StripeCdc.Modules.Tests.Modules.RoutingTests.ObjectOf("payout", "po_1"), account: AccountA);

        var context = await harness.ProcessAsync(body);

        Assert.Equal(PipelineOutcome.DeadLettered, context.Outcome);
        var dlq = Assert.Single(harness.Sink.Records);
        Assert.Equal(RecordRole.DeadLetter, dlq.Role);
        Assert.Equal(AccountA, dlq.Header(RecordHeaderNames.DeadLetterAccount));
        Assert.Equal(body, Encoding.UTF8.GetString(dlq.Value));
    }

    [Fact]
    public async Task The_platforms_dead_letter_and_a_non_Connect_sources_have_no_account_header()
    {
        using var connect = Connect(("UnselectedResourceBehavior", "FAIL"));
        using var plain = new PipelineHarness(PipelineHarness.Source(settings: ("UnselectedResourceBehavior", "FAIL")));

        await connect.ProcessAsync(StripeObjects.Event("payout.paid", global::StripeCdc.Modules.Tests.Modules.RoutingTests.ObjectOf("payout", "po_1")));
        await plain.ProcessAsync(StripeObjects.Event("payout.paid", global::StripeCdc.Modules.Tests.Modules.RoutingTests.ObjectOf("payout", "po_1"), account: AccountA));

        Assert.Null(Assert.Single(connect.Sink.Records).Header(RecordHeaderNames.DeadLetterAccount));
        Assert.Null(Assert.Single(plain.Sink.Records).Header(RecordHeaderNames.DeadLetterAccount));
    }

    [Fact]
    public async Task A_snapshot_read_for_an_account_is_keyed_like_that_accounts_live_events()
    {
        using var harness = Connect();
        var body = Events.SnapshotEnvelope.Build("snapshot:r:customer:cus_same", "customer.snapshot", Encoding.UTF8.GetBytes(StripeObjects.Customer("cus_same")), 1_790_000_000, apiVersion: null, livemode: false, account: AccountA);

        await harness.ProcessAsync(Encoding.UTF8.GetString(body), kind: RecordKind.Snapshot);

        var record = Assert.Single(harness.Sink.Records);
        Assert.Equal($$"""{"account":"{{AccountA}}","id":"cus_same"}""", Encoding.UTF8.GetString(record.Key!));
    }

    [Fact]
    public void Keys_escape_the_account_like_the_id()
    {
        var key = RecordKeys.ForObject("acct_\"x", "cus_1");

        using var parsed = JsonDocument.Parse(key);
        Assert.Equal("acct_\"x", parsed.RootElement.GetProperty("account").GetString());
        Assert.Equal("""{"id":"cus_1"}""", Encoding.UTF8.GetString(RecordKeys.ForObject(null, "cus_1")));
    }

    internal static string Balance(long amount) =>
        "{\"object\":\"balance\",\"available\":[{\"amount\":" + amount + ",\"currency\":\"usd\",\"source_types\":{\"card\":" + amount + "}}],\"livemode\":false,\"pending\":[{\"amount\":0,\"currency\":\"usd\"}]}";

    private static PipelineHarness Connect(params (string Key, string? Value)[] settings) =>
        new(PipelineHarness.Source(settings: [("Connect", "true"), .. settings]));
}
