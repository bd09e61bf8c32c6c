using System.ComponentModel.DataAnnotations;

namespace StripeCdc.Snapshot.Reconciliation;

/// <summary>The worker's reconciliation schedule, section <c>StripeCdc:Reconciliation</c> (SPEC §6).</summary>
public sealed class ReconciliationOptions
{
    public const string SectionName = "StripeCdc:Reconciliation";

    /// <summary>Time between scheduled runs; <c>0</c> turns the schedule off (on-demand runs still work).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How far back each scheduled run lists events; longer than the interval so runs overlap.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(3);
}
