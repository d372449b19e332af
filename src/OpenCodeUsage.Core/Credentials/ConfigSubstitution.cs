using OpenCodeUsage.IO;
using System.Text.RegularExpressions;
using OpenCodeUsage.Discovery;

namespace OpenCodeUsage.Credentials;

/// <summary>
/// OpenCode's config substitutions: {env:VAR} becomes the variable's value (empty when unset), and
/// {file:path} the trimmed content of the file, relative to the config file, with ~/ for the home.
/// </summary>
internal static partial class ConfigSubstitution
{
    [GeneratedRegex(@"\{env:([^}]+)\}")]
    private static partial Regex EnvironmentReference();

    [GeneratedRegex(@"\{file:([^}]+)\}")]
    private static partial Regex FileReference();

    /// <summary>The placeholders in <paramref name="value"/> (not the text around them, which may be a secret).</summary>
    public static IReadOnlyList<string> Placeholders(string value) =>
        EnvironmentReference().Matches(value).Concat(FileReference().Matches(value)).Select(m => m.Value).ToList();

    /// <param name="configSource">The config file (or OPENCODE_CONFIG_CONTENT), for errors.</param>
    /// <param name="baseDirectory">What {file:} paths are relative to: the config file's folder.</param>
    public static string Apply(string value, string configSource, string baseDirectory, Func<string, string?> environment)
    {
        // Environment first, then files, as OpenCode does.
        value = EnvironmentReference().Replace(value, m => environment(m.Groups[1].Value) ?? string.Empty);
        return FileReference().Replace(value, m => ReadReference(m.Groups[1].Value, m.Value, configSource, baseDirectory, environment));
    }

    private static string ReadReference(string reference, string placeholder, string configSource, string baseDirectory, Func<string, string?> environment)
    {
        var path = reference.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(OpenCodePaths.Home(environment), reference[2..])
            : reference;
        try
        {
            path = Path.GetFullPath(path, baseDirectory);
            return RegularFile.ReadAllText(path, RegularFile.SecretCap).Trim();
        }
        catch (ArgumentException ex)
        {
            // A character no path may hold, such as NUL: the reference can never be read.
            throw new OpenCodeUsageException("ConfigReferenceInvalid", FailureKind.InvalidData,
                $"'{configSource}' refers to {placeholder}, which is not a valid path.", configSource, ex);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new OpenCodeUsageException("ConfigReferenceInvalid", FailureKind.NotFound,
                $"'{configSource}' refers to {placeholder}, but '{path}' does not exist.", configSource, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OpenCodeUsageException("ConfigReferenceInvalid", FailureKind.ReadFailed,
                $"'{configSource}' refers to {placeholder}, but '{path}' could not be read: {ex.Message}", configSource, ex);
        }
    }
}
