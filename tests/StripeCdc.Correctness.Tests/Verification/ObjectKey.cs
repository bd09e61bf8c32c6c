namespace StripeCdc.Correctness.Tests.Verification;

/// <summary>
/// Where an object lives in a sink (SPEC §12): its account (<c>''</c> for the platform's own, as the Postgres
/// <c>account</c> column holds it), its table and its id. The same id in two accounts is two objects.
/// </summary>
internal readonly record struct ObjectKey(string Account, string Table, string Id)
{
    public override string ToString() => $"{(Account.Length == 0 ? "platform" : Account)}:{Table}/{Id}";
}
