namespace StripeCdc.Checkpoints;

/// <summary>
/// Decides lease ownership from the claims in the order the topic holds them, so every worker that has
/// read the same records agrees on the holder. A claim is accepted when nobody holds the resource, the
/// holder's lease had expired when the claim was made, or the claimant is the holder (a renewal);
/// otherwise it is ignored. A worker owns the resource when, having read past its own claim, it is the holder.
/// </summary>
internal sealed class LeaseLog
{
    private readonly Dictionary<string, (string Owner, long ExpiresAt)> _holders = new(StringComparer.Ordinal);

    public void Apply(string key, LeaseClaim claim)
    {
        var held = _holders.TryGetValue(key, out var holder);
        if (claim.Released)
        {
            if (held && holder.Owner == claim.Owner)
            {
                _holders.Remove(key);
            }

            return;
        }

        if (!held || holder.ExpiresAt <= claim.At || holder.Owner == claim.Owner)
        {
            _holders[key] = (claim.Owner, claim.At + claim.TtlMs);
        }
    }

    public (string Owner, long ExpiresAt)? Holder(string key) =>
        _holders.TryGetValue(key, out var holder) ? holder : null;
}
