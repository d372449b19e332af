using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Digest;

/// <summary>Digests legacy JSON storage (OpenCode 1.0 and 1.1): no version writes it any more, so it is read whole each time.</summary>
internal static class LegacyDigester
{
    public static StoreDigest Digest(StoreRef store, StringPool strings, ReadDiagnostics diagnostics, Action<long>? progress,
        CancellationToken cancellationToken)
    {
        var legacy = new LegacyJsonStore(store);
        var digest = new StoreDigest { Path = store.Path, ProjectRows = legacy.ReadProjects(), SessionRows = legacy.ReadSessions() };
        var builder = new DigestBuilder(digest.Sessions);
        foreach (var session in digest.SessionRows)
        {
            builder.Reset(session, -1);
        }

        legacy.ScanMessages(digest.SessionRows, builder, strings, progress, cancellationToken);
        builder.Complete();
        foreach (var (path, reason) in legacy.Problems)
        {
            diagnostics.Warn($"Skipped unreadable legacy file '{path}': {reason}");
        }

        return digest;
    }
}
