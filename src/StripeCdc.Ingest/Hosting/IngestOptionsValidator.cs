using Microsoft.Extensions.Options;

namespace StripeCdc.Ingest.Hosting;

internal sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>
{
    private const string Prefix = IngestOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        var failures = new List<string>();
        if (options.CommitDeadline <= TimeSpan.Zero)
        {
            failures.Add($"{Prefix}:CommitDeadline must be greater than 0.");
        }

        if (options.RetryAfter < TimeSpan.Zero)
        {
            failures.Add($"{Prefix}:RetryAfter must not be negative.");
        }

        if (options.MaxInFlightEvents <= 0)
        {
            failures.Add($"{Prefix}:MaxInFlightEvents must be greater than 0.");
        }

        if (options.MaxHeaderBytes <= 0)
        {
            failures.Add($"{Prefix}:MaxHeaderBytes must be greater than 0.");
        }

        if (options.MaxBufferedBodyBytes <= 0)
        {
            failures.Add($"{Prefix}:MaxBufferedBodyBytes must be greater than 0.");
        }

        if (options.MaxBodyBytes <= 0 || options.MaxBodyBytes > int.MaxValue)
        {
            failures.Add($"{Prefix}:MaxBodyBytes must be between 1 and {int.MaxValue}.");
        }

        if (options.ShutdownTimeout < options.CommitDeadline)
        {
            failures.Add($"{Prefix}:ShutdownTimeout must be at least CommitDeadline, or in-flight events are cut off.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
