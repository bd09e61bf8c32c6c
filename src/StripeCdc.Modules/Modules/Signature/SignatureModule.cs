using StripeCdc.Pipeline;

namespace StripeCdc.Modules.Signature;

/// <summary>Rejects events whose <c>Stripe-Signature</c> does not verify (SPEC §2, reason <c>signature</c>).</summary>
internal sealed class SignatureModule(TimeProvider timeProvider) : IRecordModule
{
    public string Name => "Signature";

    public int Order => ModuleOrder.Signature;

    public ValueTask InvokeAsync(RecordContext context, RecordDelegate next)
    {
        var secrets = context.Source.SigningSecrets;
        if (context.SkipSignatureCheck || secrets.Count == 0)
        {
            return next(context);
        }

        var check = StripeSignatureVerifier.Verify(
            context.SignatureHeader,
            context.Body.Span,
            secrets,
            context.Source.Options.SignatureToleranceSeconds,
            timeProvider.GetUtcNow().ToUnixTimeSeconds());
        if (check != SignatureCheck.Valid)
        {
            context.Reject(DeadLetterReason.Signature, StripeSignatureVerifier.Describe(check));
            return ValueTask.CompletedTask;
        }

        return next(context);
    }
}
