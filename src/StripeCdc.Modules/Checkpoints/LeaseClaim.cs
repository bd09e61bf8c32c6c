namespace StripeCdc.Checkpoints;

/// <summary>A lease record: <see cref="Owner"/> claims (or, <see cref="Released"/>, gives back) a resource at <see cref="At"/> for <see cref="TtlMs"/>.</summary>
internal sealed record LeaseClaim(string Owner, long At, long TtlMs, bool Released = false);
