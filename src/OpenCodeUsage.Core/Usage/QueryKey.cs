using System.Globalization;
using System.Reflection;
using System.Text;

namespace OpenCodeUsage.Usage;

/// <summary>A property that is not part of the question (the key itself).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class NotInKeyAttribute : Attribute;

/// <summary>
/// A query's memo key, made from every public property it has, by reflection: a property added later is in the key
/// without anyone listing it, and one of a type this cannot write as text stops the build's tests (it throws), so a
/// stale answer for a new question cannot be.
/// </summary>
internal static class QueryKey
{
    public static string Of<T>(T query) where T : class
    {
        var text = new StringBuilder(typeof(T).Name);
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (property.IsDefined(typeof(NotInKeyAttribute)))
            {
                continue;
            }

            text.Append('\u001f').Append(property.Name).Append('=');
            Write(text, property.GetValue(query), property.Name);
        }

        return text.ToString();
    }

    private static void Write(StringBuilder text, object? value, string name)
    {
        switch (value)
        {
            case null:
                text.Append('\u0000');
                break;
            case string s:
                text.Append('"').Append(s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
                break;
            case bool or int or long or double or decimal or Enum:
                text.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset instant:
                text.Append(instant.UtcTicks.ToString(CultureInfo.InvariantCulture));
                break;
            case TimeZoneInfo zone:
                text.Append(zone.Id).Append('/').Append(zone.BaseUtcOffset.Ticks.ToString(CultureInfo.InvariantCulture));
                break;
            case TextFilter filter:
                text.Append(filter.Kind).Append('[');
                foreach (var pattern in filter.Patterns)
                {
                    Write(text, pattern, name);
                    text.Append(',');
                }

                text.Append(']');
                break;
            case System.Collections.IEnumerable items:
                text.Append('[');
                foreach (var item in items)
                {
                    Write(text, item, name);
                    text.Append(',');
                }

                text.Append(']');
                break;
            default:
                throw new NotSupportedException($"The query's {name} ({value.GetType().Name}) cannot be written into its memo key.");
        }
    }
}
