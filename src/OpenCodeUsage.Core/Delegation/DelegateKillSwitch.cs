namespace OpenCodeUsage.Delegation;

/// <summary>
/// One variable turns delegation off for a whole machine or session, whatever scripts and agents ask for:
/// OPENCODEUSAGE_DELEGATE_DISABLED, or TOKENMAXXER_OPENCODE_DISABLED, which users of that plugin already set.
/// </summary>
public static class DelegateKillSwitch
{
    public static IReadOnlyList<string> Variables { get; } = ["OPENCODEUSAGE_DELEGATE_DISABLED", "TOKENMAXXER_OPENCODE_DISABLED"];

    /// <summary>The variable that disables delegation (set to 1, true, yes or on), or null.</summary>
    public static string? DisabledBy(Func<string, string?> environment) =>
        Variables.FirstOrDefault(v => environment(v)?.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "on");

    public static void ThrowIfDisabled(Func<string, string?> environment)
    {
        if (DisabledBy(environment) is { } variable)
        {
            throw new OpenCodeUsageException("DelegateDisabled", FailureKind.Unavailable,
                $"Delegating to OpenCode is disabled by the environment variable {variable}; nothing was run. " +
                $"Remove it (Remove-Item Env:{variable}) to delegate again.", variable);
        }
    }
}
