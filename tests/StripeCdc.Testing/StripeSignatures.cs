using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StripeCdc.Testing;

/// <summary>Signs payloads the way Stripe does (for load generators; tests sign with Stripe.net itself).</summary>
public static class StripeSignatures
{
    public static string Header(ReadOnlySpan<byte> payload, string secret, long timestamp)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(prefix);
        hmac.AppendData(payload);
        return $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(hmac.GetHashAndReset())}";
    }
}
