namespace StripeCdc.Modules.Signature;

public enum SignatureCheck
{
    Valid,
    MissingHeader,
    NoTimestamp,
    NoMatchingSignature,
    OutsideTolerance,
}
