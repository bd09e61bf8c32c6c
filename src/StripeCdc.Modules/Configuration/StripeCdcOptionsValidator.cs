using Microsoft.Extensions.Options;
using StripeCdc.Modules.FanOut;

namespace StripeCdc.Configuration;

/// <summary>Fails start-up with a message that names the offending setting.</summary>
internal sealed class StripeCdcOptionsValidator : IValidateOptions<StripeCdcOptions>
{
    public ValidateOptionsResult Validate(string? name, StripeCdcOptions options)
    {
        var failures = new List<string>(options.UnreadableSettings);
        foreach (var (sourceName, source) in options.Sources)
        {
            var prefix = $"{StripeCdcOptions.SectionName}:Sources:{sourceName}";
            if (!IsValidSourceName(sourceName))
            {
                failures.Add($"{prefix}: a source name may only hold letters, digits, '-' and '_'.");
            }

            if (source.SignatureToleranceSeconds <= 0)
            {
                failures.Add($"{prefix}:SignatureToleranceSeconds must be greater than 0 (was {source.SignatureToleranceSeconds}).");
            }

            if (string.IsNullOrWhiteSpace(source.DefaultTopic))
            {
                failures.Add($"{prefix}:DefaultTopic must not be empty.");
            }

            if (string.IsNullOrWhiteSpace(source.DeadLetterQueue.Topic))
            {
                failures.Add($"{prefix}:DeadLetterQueue:Topic must not be empty.");
            }

            foreach (var field in source.FanOutFields)
            {
                if (!FanOutEntry.Supported.Any(e => string.Equals(e.Name, field, StringComparison.OrdinalIgnoreCase)))
                {
                    failures.Add($"{prefix}:FanOutFields: '{field}' is not one of {string.Join(", ", FanOutEntry.Supported.Select(e => e.Name))}.");
                }
            }

            foreach (var resource in source.Resources.Where(r => !IsValidTopicPart(r)))
            {
                failures.Add($"{prefix}:Resources: '{resource}' cannot be part of a Kafka topic name.");
            }

            if (!IsValidTopicPart(source.TopicPrefix + "x"))
            {
                failures.Add($"{prefix}:TopicPrefix '{source.TopicPrefix}' cannot be part of a Kafka topic name.");
            }

            // Values are never echoed: these settings hold secrets.
            for (var i = 0; i < source.SigningSecrets.Count; i++)
            {
                if (!source.SigningSecrets[i].StartsWith("whsec_", StringComparison.Ordinal))
                {
                    failures.Add($"{prefix}:SigningSecrets: entry {i} is not a webhook signing secret (they start with 'whsec_').");
                }
            }

            if (source.ApiKey is { Length: > 0 } apiKey && (apiKey.Length < 8 || apiKey.Any(char.IsWhiteSpace)))
            {
                failures.Add($"{prefix}:ApiKey must be at least 8 characters without spaces (or empty to have one generated).");
            }

            if (source.ConnectBackfillNewAccounts && !source.Connect)
            {
                failures.Add($"{prefix}:ConnectBackfillNewAccounts needs {prefix}:Connect=true: only a Connect platform's endpoint has connected accounts.");
            }

            if (source.StripeApiBase is { Length: > 0 } apiBase && !Uri.TryCreate(apiBase, UriKind.Absolute, out _))
            {
                failures.Add($"{prefix}:StripeApiBase must be an absolute URL.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsValidSourceName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static bool IsValidTopicPart(string text) =>
        text.Length is > 0 and < 250 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
