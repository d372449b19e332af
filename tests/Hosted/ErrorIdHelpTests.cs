using System.Text.RegularExpressions;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// Every error id the module can write is documented in its help: the cmdlet layer's constants (ErrorIds.cs) and
/// every id Core gives an OpenCodeUsageException, read from the source so a new id cannot be forgotten.
/// </summary>
public sealed partial class ErrorIdHelpTests
{
    private static string Src => Path.Combine(RepoPaths.Root, "src");

    private static string Help => string.Join("\n", Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "module", "help"), "*.xml").Select(File.ReadAllText));

    [Fact]
    public void Every_error_id_is_documented_in_the_help()
    {
        var ids = Ids();
        Assert.Contains("DatabaseReadFailed", ids);
        Assert.Contains("SqliteNativeLibraryNotFound", ids);
        Assert.Contains("SessionNotFound", ids);
        var help = Help;
        var missing = ids.Where(id => !Regex.IsMatch(help, $@"\b{id}\b")).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "Not in any help file: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_cmdlets_write_no_error_id_that_is_not_a_constant()
    {
        var literals = Directory.EnumerateFiles(Path.Combine(Src, "OpenCodeUsage.Cmdlets"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => LiteralRecordId().Matches(File.ReadAllText(f)).Select(m => $"{Path.GetFileName(f)}: {m.Groups[1].Value}"))
            .ToList();
        Assert.True(literals.Count == 0, "Ids written as literals, not ErrorIds constants: " + string.Join(", ", literals));
    }

    /// <summary>ErrorIds constants, and the ids Core passes to OpenCodeUsageException or to the helpers taking an error id.</summary>
    private static HashSet<string> Ids()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var constants = File.ReadAllText(Path.Combine(Src, "OpenCodeUsage.Cmdlets", "ErrorIds.cs"));
        foreach (Match m in Constant().Matches(constants))
        {
            ids.Add(m.Groups[1].Value);
        }

        foreach (var file in Directory.EnumerateFiles(Path.Combine(Src, "OpenCodeUsage.Core"), "*.cs", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            // A class whose name ends in Errors holds nothing but ids (Storage/SqliteErrors.cs).
            var patterns = Path.GetFileNameWithoutExtension(file).EndsWith("Errors", StringComparison.Ordinal)
                ? new[] { CoreException(), CoreHelper(), CoreConstant(), ErrorsClassConstant() }
                : new[] { CoreException(), CoreHelper(), CoreConstant() };
            foreach (var pattern in patterns)
            {
                foreach (Match m in pattern.Matches(text))
                {
                    ids.Add(m.Groups[1].Value);
                }
            }
        }

        return ids;
    }

    [GeneratedRegex(@"public const string (\w+) = nameof\(\1\);")]
    private static partial Regex Constant();

    [GeneratedRegex(@"OpenCodeUsageException\(\s*""(\w+)""")]
    private static partial Regex CoreException();

    // Jsonc.Parse(json, source, "Id", what), SecretFile.ReadAllBytes(path, "Id", diagnostics) and AtomicFile.Write(path, bytes, "Id") take the id to fail with.
    [GeneratedRegex(@"(?:Jsonc\.Parse|SecretFile\.ReadAllBytes|AtomicFile\.Write)\([^;]*?""(\w+)""")]
    private static partial Regex CoreHelper();

    [GeneratedRegex(@"const string ErrorId = ""(\w+)""")]
    private static partial Regex CoreConstant();

    [GeneratedRegex(@"public const string \w+ = ""(\w+)"";")]
    private static partial Regex ErrorsClassConstant();

    [GeneratedRegex(@"new ErrorRecord\([^;]*?,\s*""(\w+)"",\s*ErrorCategory")]
    private static partial Regex LiteralRecordId();
}
