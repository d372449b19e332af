namespace OpenCodeFixture.Cli;

/// <summary>Options (--name value, or --flag) and positional arguments of one command line.</summary>
sealed class CliArguments
{
    readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    /// <param name="flags">Options that take no value.</param>
    public static CliArguments Parse(IEnumerable<string> args, IReadOnlySet<string> flags)
    {
        var parsed = new CliArguments();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--")
            {
                parsed.Positional.Add(arg);
                continue;
            }
            var name = arg[2..];
            if (flags.Contains(name))
                parsed._options[name] = null;
            else if (e.MoveNext())
                parsed._options[name] = e.Current;
            else
                throw new UsageException($"--{name} needs a value");
        }
        return parsed;
    }

    public bool Flag(string name)
    {
        _used.Add(name);
        return _options.ContainsKey(name);
    }

    public string? Value(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var value) ? value : null;
    }

    public int Int(string name, int fallback)
    {
        var text = Value(name);
        if (text is null) return fallback;
        return int.TryParse(text, out var n) && n >= 0 ? n : throw new UsageException($"--{name} wants a whole number, not '{text}'");
    }

    /// <summary>Fails on options the command did not ask for (a typo should not be ignored).</summary>
    public void RejectUnknown()
    {
        var unknown = _options.Keys.FirstOrDefault(k => !_used.Contains(k));
        if (unknown is not null) throw new UsageException($"unknown option --{unknown}");
    }
}

sealed class UsageException(string message) : Exception(message);
