using System.ComponentModel;
using System.Globalization;

namespace StripeCdc.Configuration;

/// <summary>
/// Lets enum settings be written the way the SPEC and Kafka Connect write them
/// (<c>DEFAULT_TOPIC</c>, <c>ObjectType</c>, <c>hydrate</c>): underscores and case are ignored.
/// </summary>
internal sealed class SettingEnumConverter<TEnum> : EnumConverter
    where TEnum : struct, Enum
{
    public SettingEnumConverter()
        : base(typeof(TEnum))
    {
    }

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
    {
        if (value is string text)
        {
            var normalized = text.Replace("_", "", StringComparison.Ordinal).Trim();
            if (Enum.TryParse<TEnum>(normalized, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
            {
                return parsed;
            }

            throw new FormatException(
                $"'{text}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}.");
        }

        return base.ConvertFrom(context, culture, value);
    }
}
