namespace OpenCodeUsage.Delegation;

/// <summary>
/// The environment OpenCode runs with: this process's, with some variables set or (null) removed. Everything a
/// delegated run depends on is read through it, the warm-session state file and the kill switch included, so a
/// run pointed at a private HOME (a test sandbox, a second profile) is private throughout.
/// </summary>
public sealed class DelegateEnvironment
{
    private readonly IReadOnlyDictionary<string, string?> _overrides;

    public DelegateEnvironment(IReadOnlyDictionary<string, string?>? overrides = null) =>
        _overrides = overrides ?? new Dictionary<string, string?>();

    public static DelegateEnvironment Inherited { get; } = new();

    public string? Get(string name) =>
        _overrides.TryGetValue(name, out var value) ? value : System.Environment.GetEnvironmentVariable(name);

    /// <summary>Applies the overrides to a child's environment (which starts as a copy of this process's).</summary>
    internal void ApplyTo(IDictionary<string, string?> target)
    {
        foreach (var (name, value) in _overrides)
        {
            if (value is null)
            {
                target.Remove(name);
            }
            else
            {
                target[name] = value;
            }
        }
    }
}
