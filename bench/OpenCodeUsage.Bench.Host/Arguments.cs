using System.Globalization;

namespace OpenCodeUsage.Bench.Host;

/// <summary>"mode --name value …" command lines.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public Arguments(string[] args)
    {
        Mode = args.Length > 0 ? args[0] : "";
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            _values[args[i].TrimStart('-')] = args[i + 1];
        }
    }

    public string Mode { get; }

    public string Required(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required for '{Mode}'");

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    /// <summary>A file or folder argument, made absolute: PowerShell resolves relative paths against its own location.</summary>
    public string Path(string name) => System.IO.Path.GetFullPath(Required(name));

    public string? OptionalPath(string name) => Optional(name) is { } value ? System.IO.Path.GetFullPath(value) : null;

    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
