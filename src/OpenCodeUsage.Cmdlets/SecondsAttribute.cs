using System.Globalization;
using System.Management.Automation;

namespace OpenCodeUsage.Commands;

/// <summary>
/// Lets a TimeSpan parameter take a plain number as seconds (-PollInterval 0.5), as users expect, where
/// PowerShell alone would read it as ticks; TimeSpans and strings like 00:05:00 pass unchanged.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class SecondsAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            int or long or short or byte or double or float or decimal => TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) => TimeSpan.FromSeconds(seconds),
            _ => inputData,
        };
    }
}
