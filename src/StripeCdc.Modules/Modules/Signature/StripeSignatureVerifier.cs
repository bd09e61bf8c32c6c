using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace StripeCdc.Modules.Signature;

/// <summary>
/// Verifies a <c>Stripe-Signature</c> header against the raw body, with the semantics of Stripe.net's
/// <c>EventUtility.ValidateSignature</c>: HMAC-SHA256 of <c>t + "." + body</c> keyed by the whole
/// secret, compared as lowercase hex with any <c>v1</c> entry in constant time; <c>v0</c> and other
/// schemes are ignored; <c>t</c> must be within the tolerance of now, in both directions.
/// Several secrets are tried so a secret can be rolled without downtime.
/// </summary>
public static class StripeSignatureVerifier
{
    private const int HexLength = 2 * 32;

    public static SignatureCheck Verify(
        string? header,
        ReadOnlySpan<byte> body,
        IReadOnlyList<byte[]> secrets,
        long toleranceSeconds,
        long nowUnixSeconds)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return SignatureCheck.MissingHeader;
        }

        var items = header.AsSpan().Trim();
        ReadOnlySpan<char> timestamp = default;
        var hasTimestamp = false;
        foreach (var range in items.Split(','))
        {
            SplitItem(items[range], out var key, out var value);
            if (!hasTimestamp && key.SequenceEqual("t"))
            {
                timestamp = value;
                hasTimestamp = true;
            }
        }

        if (!hasTimestamp || !long.TryParse(timestamp, NumberStyles.Integer, CultureInfo.InvariantCulture, out var signedAt))
        {
            return SignatureCheck.NoTimestamp;
        }

        if (!AnySignatureMatches(items, timestamp, body, secrets))
        {
            return SignatureCheck.NoMatchingSignature;
        }

        return Math.Abs(nowUnixSeconds - signedAt) > toleranceSeconds
            ? SignatureCheck.OutsideTolerance
            : SignatureCheck.Valid;
    }

    public static string Describe(SignatureCheck check) => check switch
    {
        SignatureCheck.MissingHeader => "The Stripe-Signature header is missing.",
        SignatureCheck.NoTimestamp => "The Stripe-Signature header has no valid 't=' timestamp.",
        SignatureCheck.NoMatchingSignature => "No 'v1' signature in the Stripe-Signature header matches a signing secret of this source.",
        SignatureCheck.OutsideTolerance => "The Stripe-Signature timestamp is outside the allowed tolerance.",
        _ => "The signature is valid.",
    };

    private static bool AnySignatureMatches(
        ReadOnlySpan<char> items,
        ReadOnlySpan<char> timestamp,
        ReadOnlySpan<byte> body,
        IReadOnlyList<byte[]> secrets)
    {
        Span<char> expected = secrets.Count <= 8 ? stackalloc char[HexLength * secrets.Count] : new char[HexLength * secrets.Count];
        for (var i = 0; i < secrets.Count; i++)
        {
            ComputeHex(secrets[i], timestamp, body, expected.Slice(i * HexLength, HexLength));
        }

        var matched = false;
        foreach (var range in items.Split(','))
        {
            SplitItem(items[range], out var key, out var value);
            if (!key.SequenceEqual("v1") || value.Length != HexLength)
            {
                continue;
            }

            for (var i = 0; i < secrets.Count; i++)
            {
                // No early exit: the time taken does not depend on which secret or entry matched.
                matched |= CryptographicOperations.FixedTimeEquals(
                    MemoryMarshal.AsBytes(value),
                    MemoryMarshal.AsBytes(expected.Slice(i * HexLength, HexLength)));
            }
        }

        return matched;
    }

    private static void ComputeHex(byte[] secret, ReadOnlySpan<char> timestamp, ReadOnlySpan<byte> body, Span<char> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        Span<byte> timestampBytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(timestamp.Length, 64))];
        if (timestamp.Length <= 64)
        {
            hmac.AppendData(timestampBytes[..Encoding.UTF8.GetBytes(timestamp, timestampBytes)]);
        }
        else
        {
            hmac.AppendData(Encoding.UTF8.GetBytes(timestamp.ToString()));
        }

        hmac.AppendData("."u8);
        hmac.AppendData(body);
        Span<byte> hash = stackalloc byte[32];
        hmac.GetHashAndReset(hash);
        Convert.TryToHexStringLower(hash, destination, out _);
    }

    private static void SplitItem(ReadOnlySpan<char> item, out ReadOnlySpan<char> key, out ReadOnlySpan<char> value)
    {
        item = item.Trim();
        var equals = item.IndexOf('=');
        key = equals < 0 ? item : item[..equals];
        value = equals < 0 ? default : item[(equals + 1)..];
    }
}
