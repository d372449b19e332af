using System.Management.Automation;
using System.Text;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>Everything a run in the hosted engine showed, as text: output with every property, and every stream.</summary>
internal static class StreamScan
{
    public static string Of(Engine engine, IEnumerable<PSObject> output)
    {
        var text = new StringBuilder();
        foreach (var item in output)
        {
            text.AppendLine(Render(item));
        }

        foreach (var error in engine.Errors)
        {
            text.AppendLine(Render(error));
        }

        text.AppendJoin('\n', engine.Warnings.Select(w => w.Message)).AppendLine();
        text.AppendJoin('\n', engine.Verbose.Select(v => v.Message)).AppendLine();
        text.AppendJoin('\n', engine.Debug.Select(d => d.Message)).AppendLine();
        text.AppendJoin('\n', engine.Information.Select(i => i.MessageData?.ToString())).AppendLine();
        return text.Append(engine.Host.Text).ToString();
    }

    /// <summary>An error's message, id, exception chain, target, category and details.</summary>
    public static string Render(ErrorRecord error) =>
        $"{error}|{error.FullyQualifiedErrorId}|{error.Exception}|{error.TargetObject}|{error.CategoryInfo}|{error.ErrorDetails?.Message}";

    public static string Render(PSObject item)
    {
        if (item.BaseObject is ErrorRecord error)
        {
            return Render(error);
        }

        var text = new StringBuilder(item.ToString());
        foreach (var property in item.Properties)
        {
            text.Append($"|{property.Name}={property.Value}");
        }

        return text.ToString();
    }
}
