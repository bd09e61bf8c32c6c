using System.ComponentModel;

namespace StripeCdc.Configuration;

/// <summary>One source's settings as written in <c>StripeCdc:Sources:&lt;name&gt;</c> (SPEC §1).</summary>
public sealed class SourceOptions
{
    public string? ApiKey { get; set; }
    public List<string> SigningSecrets { get; set; } = [];
    public int SignatureToleranceSeconds { get; set; } = 300;
    public string? StripeApiKey { get; set; }
    public string? StripeApiBase { get; set; }
    public List<string> Resources { get; set; } = [];
    public UnselectedResourceBehavior UnselectedResourceBehavior { get; set; } = UnselectedResourceBehavior.DefaultTopic;
    public string DefaultTopic { get; set; } = "unknown";
    public bool IncludeEventMetadata { get; set; } = true;
    public List<string> FanOutFields { get; set; } = [];
    public DeadLetterQueueOptions DeadLetterQueue { get; set; } = new();
    public string TopicPrefix { get; set; } = "";
    public RoutingMode Routing { get; set; } = RoutingMode.EventType;
    public string? ApiVersion { get; set; }
    public ThinEventMode ThinEvents { get; set; } = ThinEventMode.Reject;

    /// <summary>
    /// The source is a Stripe Connect platform's Connect endpoint (SPEC §12): an event of a connected account
    /// (one with a top-level <c>account</c>) is keyed by account and id and its records carry <c>_account</c>.
    /// </summary>
    public bool Connect { get; set; }

    /// <summary>
    /// On a <see cref="Connect"/> source: a connected account first seen (an <c>account.application.authorized</c>
    /// event, or any event of an account not seen before) gets its backfill scheduled by itself, once (SPEC §12).
    /// </summary>
    public bool ConnectBackfillNewAccounts { get; set; }

    /// <summary>The resources a source selects when <see cref="Resources"/> is left empty.</summary>
    public static IReadOnlyList<string> DefaultResources { get; } = ["customer", "payment_intent", "charge", "invoice"];
}

public sealed class DeadLetterQueueOptions
{
    public bool Enabled { get; set; } = true;
    public string Topic { get; set; } = "stripe_dlq";
}

[TypeConverter(typeof(SettingEnumConverter<UnselectedResourceBehavior>))]
public enum UnselectedResourceBehavior
{
    DefaultTopic,
    Skip,
    Fail,
}

[TypeConverter(typeof(SettingEnumConverter<RoutingMode>))]
public enum RoutingMode
{
    EventType,
    ObjectType,
}

[TypeConverter(typeof(SettingEnumConverter<ThinEventMode>))]
public enum ThinEventMode
{
    Reject,
    Hydrate,
}
