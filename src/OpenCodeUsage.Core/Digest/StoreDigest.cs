using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Digest;

/// <summary>Everything read from one database: its sessions and projects, and each session's digested messages.</summary>
internal sealed class StoreDigest
{
    public required string Path { get; init; }
    public FileStamp Stamp { get; set; }

    /// <summary>Hash of the schema's SQL: a schema upgrade invalidates every digest.</summary>
    public string SchemaHash { get; set; } = string.Empty;

    /// <summary>The highest message rowid digested; rows above it are new.</summary>
    public long MaxRowId { get; set; }

    public Dictionary<string, SessionDigest> Sessions { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The session and project rows as last read (not persisted: they are re-read whenever the file changed).</summary>
    public List<SessionRecord> SessionRows { get; set; } = [];

    public List<ProjectRecord> ProjectRows { get; set; } = [];

}
