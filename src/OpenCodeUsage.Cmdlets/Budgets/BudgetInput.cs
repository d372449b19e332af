using System.Collections;
using System.Management.Automation;
using System.Reflection;

namespace OpenCodeUsage.Commands.Budgets;

/// <summary>
/// A budget from whatever a script holds: a Budget, one back from Import-Clixml or ConvertFrom-Json, or a
/// hashtable. Each of Budget's properties is taken by its name and converted the PowerShell way.
/// </summary>
internal static class BudgetInput
{
    private static readonly PropertyInfo[] Properties = typeof(Budget).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite).ToArray();

    /// <summary>A budget from <paramref name="input"/>, checked to be one that can be evaluated (else BudgetInvalid).</summary>
    public static Budget Checked(object input)
    {
        var budget = From(input);
        OpenCodeUsage.Budgets.BudgetRules.Check(budget);
        return budget;
    }

    public static Budget From(object input)
    {
        var value = input is PSObject wrapped ? wrapped.BaseObject : input;
        if (value is Budget budget)
        {
            return budget;
        }

        var read = Reader(input, value);
        var made = new Budget();
        foreach (var property in Properties)
        {
            if (read(property.Name) is not { } given)
            {
                continue;
            }

            try
            {
                property.SetValue(made, Convert(given, property.PropertyType));
            }
            catch (Exception ex) when (ex is PSInvalidCastException or InvalidCastException or ArgumentException or FormatException)
            {
                throw new OpenCodeUsageException(OpenCodeUsage.Budgets.BudgetErrors.Invalid, FailureKind.InvalidArgument,
                    $"Budget '{read("Name")}': its {property.Name} '{given}' is not a {Nullable.GetUnderlyingType(property.PropertyType)?.Name ?? property.PropertyType.Name}.",
                    read("Name")?.ToString(), ex);
            }
        }

        return made;
    }

    private static Func<string, object?> Reader(object input, object value)
    {
        if (value is IDictionary dictionary)
        {
            return name => dictionary.Keys.Cast<object>().FirstOrDefault(k => string.Equals(k?.ToString(), name, StringComparison.OrdinalIgnoreCase)) is { } key
                ? Unwrap(dictionary[key])
                : null;
        }

        var psobject = PSObject.AsPSObject(input);
        return name => Unwrap(psobject.Properties[name]?.Value);
    }

    private static object? Unwrap(object? value) => value is PSObject { BaseObject: not PSCustomObject } p ? p.BaseObject : value;

    private static object? Convert(object given, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        // ConvertTo-Json writes a TimeSpan as an object of its parts; its Ticks say it exactly.
        if (target == typeof(TimeSpan) && given is PSObject { BaseObject: PSCustomObject } parts && parts.Properties["Ticks"]?.Value is { } ticks)
        {
            return new TimeSpan(LanguagePrimitives.ConvertTo<long>(ticks));
        }

        return LanguagePrimitives.ConvertTo(given, type, System.Globalization.CultureInfo.InvariantCulture);
    }
}
