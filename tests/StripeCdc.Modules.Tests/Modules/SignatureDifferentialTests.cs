using System.Globalization;
using System.Text;
using Stripe;
using StripeCdc.Modules.Signature;
using StripeCdc.Testing;

namespace StripeCdc.Modules.Tests.Modules;

/// <summary>
/// Our verifier and Stripe.net's <c>EventUtility.ValidateSignature</c> must agree on every header:
/// thousands of generated ones, valid and hostile, tolerance included.
/// </summary>
public sealed class SignatureDifferentialTests
{
    private const string Secret = "whsec_differential_7e1c";
    private const long Tolerance = 300;
    private static readonly long Now = 1_795_000_000;

    [Fact]
    public void Our_verifier_agrees_with_Stripe_net_on_generated_headers()
    {
        var random = new Random(20261123);
        var bodies = new[]
        {
            StripeObjects.Event("customer.created", StripeObjects.Customer()),
            StripeObjects.Event("invoice.paid", StripeObjects.Invoice(lines: 3)),
            "{}",
            "not json but signed anyway ✓",
        };
        var disagreements = new List<string>();
        var accepted = 0;
        const int cases = 4000;
        for (var i = 0; i < cases; i++)
        {
            var body = bodies[random.Next(bodies.Length)];
            var header = GenerateHeader(random, body);
            var ours = StripeSignatureVerifier.Verify(header, Encoding.UTF8.GetBytes(body), [Encoding.UTF8.GetBytes(Secret)], Tolerance, Now) == SignatureCheck.Valid;
            var theirs = StripeNetAccepts(body, header);
            accepted += ours ? 1 : 0;
            if (ours != theirs)
            {
                disagreements.Add($"ours={ours} stripe.net={theirs} header={header}");
            }
        }

        Assert.True(disagreements.Count == 0, string.Join('\n', disagreements.Take(20)));
        // The generator must exercise both answers, or agreement proves nothing.
        Assert.InRange(accepted, cases / 10, cases * 9 / 10);
    }

    private static bool StripeNetAccepts(string body, string? header)
    {
        try
        {
            EventUtility.ValidateSignature(body, header, Secret, Tolerance, Now);
            return true;
        }
        catch (Exception ex) when (ex is StripeException or ArgumentException or FormatException or OverflowException or NullReferenceException or IndexOutOfRangeException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string? GenerateHeader(Random random, string body)
    {
        var t = Now + random.Next(-400, 400);
        string Sign(string secret, long timestamp) => EventUtility.ComputeSignature(secret, timestamp.ToString(CultureInfo.InvariantCulture), body);
        var valid = $"t={t},v1={Sign(Secret, t)}";
        return random.Next(16) switch
        {
            0 => valid,
            1 => $"t={t},v1={Sign("whsec_wrong", t)}",
            2 => $"t={t},v1={Sign("whsec_wrong", t)},v1={Sign(Secret, t)}",
            3 => $"t={t},v0={Sign(Secret, t)}",
            4 => $"t={Now - random.Next(301, 100_000)},v1={Sign(Secret, Now - 1000)}",
            5 => $"t={Now + random.Next(301, 100_000)},v1={Sign(Secret, Now + 1000)}",
            6 => RandomGarbage(random),
            7 => random.Next(2) == 0 ? "" : "   ",
            8 => valid + "," + string.Join(",", Enumerable.Range(0, random.Next(50, 500)).Select(_ => $"v1={Convert.ToHexStringLower(RandomBytes(random, 32))}")),
            9 => $"v1={Sign(Secret, t)},t={t}",
            10 => $" t={t} , v1={Sign(Secret, t)} ",
            11 => $"t={t},v1={Sign(Secret, t).ToUpperInvariant()}",
            12 => $"t={t},v1={Sign(Secret, t)[..63]}",
            13 => $"t={t},t={t + 1000},v1={Sign(Secret, t)}",
            14 => $"t={t},v1={Sign(Secret, t)},v2={Sign(Secret, t)},scheme=x",
            _ => Mutate(random, valid),
        };
    }

    private static string Mutate(Random random, string header)
    {
        var chars = header.ToCharArray();
        chars[random.Next(chars.Length)] = "0123456789abcdef,=tv "[random.Next(21)];
        return new string(chars);
    }

    private static string RandomGarbage(Random random)
    {
        const string alphabet = "tv01=,;: abcdefxyz\t\"'";
        return new string(Enumerable.Range(0, random.Next(0, 120)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
