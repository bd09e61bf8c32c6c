using StripeCdc.Records;

namespace StripeCdc.Sinks.Postgres;

/// <summary>
/// A parent row the sink wrote over a change of another event stamped with the same second (SPEC §10's tie):
/// the later arrival is stored, and the object is to be re-read from Stripe (<see cref="TieRevalidationService"/>).
/// </summary>
internal sealed record TiedObject(RecordOrigin Origin, ParentRow Row)
{
    /// <summary>The event id prefix of a re-read written over a tie; its own tie with that row is expected, not another tie.</summary>
    public const string RevalidatedPrefix = "revalidated:";

    public static bool IsRevalidation(RecordOrigin origin) => origin.EventId.StartsWith(RevalidatedPrefix, StringComparison.Ordinal);
}
