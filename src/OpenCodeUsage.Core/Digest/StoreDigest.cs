using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Digest;

/// <summary>Everything read from one database: its sessions and projects, and each session's digested messages.</summary>
internal sealed class StoreDigest
{
    public required string Path { get; init; }
    public FileStamp Stamp { get; set; }

    /// <summary>Hash of the schema's SQL: a schema upgrade invalidates every digest.</summary>
    public string SchemaHash { get; set; } = string.Empty;

    /// <summary>Which OpenCode wrote the database, as its tables tell (for -Verbose).</summary>
    public StorageGeneration Generation { get; set; }

    /// <summary>The highest message rowid digested; rows above it are new.</summary>
    public long MaxRowId { get; set; }

    public Dictionary<string, SessionDigest> Sessions { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The session and project rows as last read (not persisted: they are re-read whenever the file changed).</summary>
    public List<SessionRecord> SessionRows { get; set; } = [];

    public List<ProjectRecord> ProjectRows { get; set; } = [];

    /// <summary>
    /// The event_sequence rows as read, in table order (empty where the table does not exist); null when unknown
    /// (a digest loaded from disk), so the next change is read the slow way once.
    /// </summary>
    public KeyedNumbers? EventRows { get; set; }

    private Dictionary<string, int>? _positions;

    /// <summary>Where each session id sits in <see cref="SessionRows"/>; built on first use, then carried to the next digest.</summary>
    public Dictionary<string, int> SessionPositions
    {
        get
        {
            if (_positions is null)
            {
                var positions = new Dictionary<string, int>(SessionRows.Count, StringComparer.Ordinal);
                for (var i = 0; i < SessionRows.Count; i++)
                {
                    positions[SessionRows[i].Id] = i;
                }

                _positions = positions;
            }

            return _positions;
        }
        set => _positions = value;
    }
}
