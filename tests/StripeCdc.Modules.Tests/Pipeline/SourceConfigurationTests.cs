using Microsoft.Extensions.Options;
using StripeCdc.Configuration;
using StripeCdc.Testing;

namespace StripeCdc.Modules.Tests.Pipeline;

/// <summary>SPEC §1 settings: defaults, list forms, enum spellings, validation at start-up.</summary>
public sealed class SourceConfigurationTests
{
    [Fact]
    public void Defaults_match_the_spec()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source());

        var source = harness.Sources.Get("default").Options;

        Assert.Equal(300, source.SignatureToleranceSeconds);
        Assert.Equal(["customer", "payment_intent", "charge", "invoice"], source.Resources);
        Assert.Equal(UnselectedResourceBehavior.DefaultTopic, source.UnselectedResourceBehavior);
        Assert.Equal("unknown", source.DefaultTopic);
        Assert.True(source.IncludeEventMetadata);
        Assert.Empty(source.FanOutFields);
        Assert.True(source.DeadLetterQueue.Enabled);
        Assert.Equal("stripe_dlq", source.DeadLetterQueue.Topic);
        Assert.Equal("", source.TopicPrefix);
        Assert.Equal(RoutingMode.EventType, source.Routing);
        Assert.Equal(ThinEventMode.Reject, source.ThinEvents);
    }

    [Fact]
    public void Lists_accept_a_comma_separated_string()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings:
            [("Resources", "customer, invoice"), ("SigningSecrets", "whsec_a,whsec_b"), ("FanOutFields", "invoice.lines")]));

        var source = harness.Sources.Get("default").Options;

        Assert.Equal(["customer", "invoice"], source.Resources);
        Assert.Equal(["whsec_a", "whsec_b"], source.SigningSecrets);
        Assert.Equal(["invoice.lines"], source.FanOutFields);
    }

    [Fact]
    public void Lists_accept_a_configuration_array()
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings:
            [("Resources:0", "customer"), ("Resources:1", "charge"), ("SigningSecrets:0", "whsec_a")]));

        var source = harness.Sources.Get("default").Options;

        Assert.Equal(["customer", "charge"], source.Resources);
        Assert.Equal(["whsec_a"], source.SigningSecrets);
    }

    [Theory]
    [InlineData("DEFAULT_TOPIC", UnselectedResourceBehavior.DefaultTopic)]
    [InlineData("SKIP", UnselectedResourceBehavior.Skip)]
    [InlineData("FAIL", UnselectedResourceBehavior.Fail)]
    [InlineData("DefaultTopic", UnselectedResourceBehavior.DefaultTopic)]
    public void UnselectedResourceBehavior_accepts_the_spec_spelling(string text, UnselectedResourceBehavior expected)
    {
        using var harness = new PipelineHarness(PipelineHarness.Source(settings: ("UnselectedResourceBehavior", text)));

        Assert.Equal(expected, harness.Sources.Get("default").Options.UnselectedResourceBehavior);
    }

    [Fact]
    public void Several_sources_are_independent()
    {
        var settings = PipelineHarness.Source("a", ("TopicPrefix", "a."));
        foreach (var (key, value) in PipelineHarness.Source("b", ("TopicPrefix", "b.")))
        {
            settings[key] = value;
        }

        using var harness = new PipelineHarness(settings);

        Assert.Equal("a.customer", harness.Sources.Get("a").SelectedTopic("customer"));
        Assert.Equal("b.customer", harness.Sources.Get("b").SelectedTopic("customer"));
    }

    [Theory]
    [InlineData("FanOutFields", "invoice.items", "FanOutFields")]
    [InlineData("SignatureToleranceSeconds", "0", "SignatureToleranceSeconds")]
    [InlineData("DefaultTopic", " ", "DefaultTopic")]
    [InlineData("TopicPrefix", "bad prefix/", "TopicPrefix")]
    [InlineData("StripeApiBase", "not a url", "StripeApiBase")]
    public void A_misconfigured_source_fails_at_start_up_naming_the_setting(string key, string value, string named)
    {
        var ex = Assert.ThrowsAny<Exception>(() => new PipelineHarness(PipelineHarness.Source(settings: (key, value))));

        var message = ex is OptionsValidationException validation ? string.Join(" ", validation.Failures) : ex.ToString();
        Assert.Contains($"StripeCdc:Sources:default:{named}", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_enum_value_fails_with_the_allowed_values()
    {
        var ex = Assert.ThrowsAny<Exception>(() => new PipelineHarness(PipelineHarness.Source(settings: ("Routing", "ByMagic"))));

        Assert.Contains("EventType, ObjectType", ex.ToString(), StringComparison.Ordinal);
    }
}
