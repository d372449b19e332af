using OpenCodeUsage.Digest;
using OpenCodeUsage.Discovery;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Sessions;

/// <summary>An exact session id that names no session: one error, worded the same by every command.</summary>
public static class MissingSessions
{
    public const string ErrorId = "SessionNotFound";

    public static OpenCodeUsageException Error(string id) =>
        new(ErrorId, FailureKind.NotFound, $"No OpenCode session has the id '{id}'.", id);

    /// <summary>The errors for those of <paramref name="ids"/> that name no session in <paramref name="dataPaths"/> (for a watch, which reads no catalog).</summary>
    public static IReadOnlyList<OpenCodeUsageException> Find(IReadOnlyList<string> ids, IReadOnlyList<string> dataPaths,
        Func<string, string?> environment, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        // A missing data path among several is the watch's to report; here it only has no sessions.
        var read = new ReadDiagnostics();
        var catalog = DataReader.Read(DataLocator.Resolve(dataPaths, environment, read), DigestCache.Shared(environment), read, null, cancellationToken);
        var diagnostics = new ReadDiagnostics();
        Report(ids, catalog.Sessions.Keys, diagnostics);
        return diagnostics.Failures;
    }

    /// <summary>Fails <paramref name="diagnostics"/> once for each of <paramref name="ids"/> (exact, any case) not in <paramref name="known"/>.</summary>
    internal static void Report(IReadOnlyList<string> ids, IReadOnlyCollection<string> known, ReadDiagnostics diagnostics)
    {
        if (ids.Count == 0)
        {
            return;
        }

        var set = new HashSet<string>(known, StringComparer.OrdinalIgnoreCase);
        foreach (var id in ids.Distinct(StringComparer.OrdinalIgnoreCase).Where(id => !set.Contains(id)))
        {
            diagnostics.Fail(Error(id));
        }
    }
}
