using System.Text;
using Microsoft.Extensions.Time.Testing;
using Stripe;
using StripeCdc.Modules.Signature;
using StripeCdc.Pipeline;
using StripeCdc.Testing;

namespace StripeCdc.Modules.Tests.Modules;

/// <summary>SPEC §2 signature row, signed by Stripe.net itself.</summary>
public sealed class SignatureTests
{
    private const string Secret = "whsec_test_primary_5f3c8a";
    private const string RolledSecret = "whsec_test_rolled_9d1e2b";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_795_000_000);

    private static PipelineHarness Harness(string secrets = Secret, int tolerance = 300) =>
        new(PipelineHarness.Source(settings: [("SigningSecrets", secrets), ("SignatureToleranceSeconds", tolerance.ToString(System.Globalization.CultureInfo.InvariantCulture))]),
            time: new FakeTimeProvider(Now));

    private static string Body => StripeObjects.Event("customer.created", StripeObjects.Customer());

    [Fact]
    public async Task A_Stripe_net_signature_verifies()
    {
        using var harness = Harness();
        var header = EventUtility.GenerateSignatureHeader(Body, Secret, Now.ToUnixTimeSeconds());

        var context = await harness.ProcessAsync(Body, header);

        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
    }

    [Fact]
    public async Task Any_of_several_secrets_verifies_so_a_secret_can_be_rolled()
    {
        using var harness = Harness($"{Secret},{RolledSecret}");
        var timestamp = Now.ToUnixTimeSeconds();
        var rolledOnly = $"t={timestamp},v1={EventUtility.ComputeSignature(RolledSecret, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), Body)}";

        var context = await harness.ProcessAsync(Body, rolledOnly);

        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
    }

    [Fact]
    public async Task During_a_roll_Stripe_sends_one_v1_per_secret_and_either_matches()
    {
        using var harness = Harness(RolledSecret);
        var t = Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var header = $"t={t},v1={EventUtility.ComputeSignature(Secret, t, Body)},v1={EventUtility.ComputeSignature(RolledSecret, t, Body)}";

        var context = await harness.ProcessAsync(Body, header);

        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("t=abc,v1=00")]
    public async Task A_missing_or_malformed_header_is_rejected_with_reason_signature(string? header)
    {
        using var harness = Harness();

        var context = await harness.ProcessAsync(Body, header);

        AssertSignatureRejected(harness, context);
    }

    [Fact]
    public async Task A_signature_from_another_secret_is_rejected()
    {
        using var harness = Harness();

        var context = await harness.ProcessAsync(Body, EventUtility.GenerateSignatureHeader(Body, "whsec_other", Now.ToUnixTimeSeconds()));

        AssertSignatureRejected(harness, context);
    }

    [Fact]
    public async Task A_v0_signature_alone_is_ignored_so_there_is_no_downgrade()
    {
        using var harness = Harness();
        var t = Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var context = await harness.ProcessAsync(Body, $"t={t},v0={EventUtility.ComputeSignature(Secret, t, Body)}");

        AssertSignatureRejected(harness, context);
    }

    [Fact]
    public async Task A_changed_body_breaks_the_signature()
    {
        using var harness = Harness();
        var header = EventUtility.GenerateSignatureHeader(Body, Secret, Now.ToUnixTimeSeconds());

        var context = await harness.ProcessAsync(Body.Replace("Jenny", "Jenna", StringComparison.Ordinal), header);

        AssertSignatureRejected(harness, context);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86_400)]
    public async Task A_timestamp_beyond_the_tolerance_in_either_direction_is_rejected(int offsetSeconds)
    {
        using var harness = Harness();
        var header = EventUtility.GenerateSignatureHeader(Body, Secret, Now.AddSeconds(offsetSeconds).ToUnixTimeSeconds());

        var context = await harness.ProcessAsync(Body, header);

        AssertSignatureRejected(harness, context);
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public async Task A_timestamp_at_the_tolerance_is_accepted(int offsetSeconds)
    {
        using var harness = Harness();
        var header = EventUtility.GenerateSignatureHeader(Body, Secret, Now.AddSeconds(offsetSeconds).ToUnixTimeSeconds());

        var context = await harness.ProcessAsync(Body, header);

        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
    }

    [Fact]
    public async Task SignatureToleranceSeconds_is_honoured()
    {
        using var harness = Harness(tolerance: 10);
        var header = EventUtility.GenerateSignatureHeader(Body, Secret, Now.AddSeconds(-11).ToUnixTimeSeconds());

        var context = await harness.ProcessAsync(Body, header);

        AssertSignatureRejected(harness, context);
    }

    [Fact]
    public async Task Without_secrets_nothing_is_verified()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());

        var context = await harness.ProcessAsync(Body, signature: null);

        Assert.Equal(PipelineOutcome.Produced, context.Outcome);
    }

    [Fact]
    public async Task The_signature_is_checked_before_the_body_is_parsed()
    {
        using var harness = Harness();

        var context = await harness.ProcessAsync("not json", signature: "t=1,v1=00");

        Assert.Equal("signature", context.Rejection?.Reason);
        Assert.False(context.IsEventParsed);
    }

    [Fact]
    public async Task The_rejection_message_never_contains_the_secret()
    {
        using var harness = Harness();

        await harness.ProcessAsync(Body, "t=1,v1=" + new string('0', 64));

        var dlq = Assert.Single(harness.Sink.Records);
        Assert.All(dlq.Headers.Values, v => Assert.DoesNotContain(Secret, Encoding.UTF8.GetString(v), StringComparison.Ordinal));
    }

    private static void AssertSignatureRejected(PipelineHarness harness, RecordContext context)
    {
        Assert.Equal(PipelineOutcome.DeadLettered, context.Outcome);
        var dlq = Assert.Single(harness.Sink.Records);
        Assert.Equal("signature", dlq.Header("__dlq_reason"));
        Assert.Equal(context.Body.ToArray(), dlq.Value);
    }
}
