using Microsoft.Data.Sqlite;

namespace OpenCodeUsage.Storage;

/// <summary>
/// The one mapping from SQLite result codes to our error ids, for every reader of a database (usage, sessions,
/// watch, digest, stats, credentials), whether the failure came through Microsoft.Data.Sqlite or from a raw
/// statement: the same failure of the same file must read the same to a script, whichever cmdlet met it.
/// </summary>
internal static class SqliteErrors
{
    public const string Invalid = "DatabaseInvalid";
    public const string Corrupt = "DatabaseCorrupt";
    public const string Busy = "DatabaseBusy";
    public const string Unreadable = "DatabaseUnreadable";
    public const string ReadFailed = "DatabaseReadFailed";

    // Primary result codes (sqlite3.h); an extended code carries its primary one in its low byte.
    private const int Perm = 3, SqliteBusy = 5, Locked = 6, SqliteCorrupt = 11, CantOpen = 14, Auth = 23, NotADb = 26;

    /// <summary>A failure Microsoft.Data.Sqlite reported.</summary>
    public static OpenCodeUsageException From(SqliteException ex, string path, string? what = null) =>
        From(ex.SqliteExtendedErrorCode != 0 ? ex.SqliteExtendedErrorCode : ex.SqliteErrorCode, ex.Message, path, what, ex);

    /// <summary>A failure a raw statement returned: <paramref name="code"/> as SQLite gave it, <paramref name="message"/> its errmsg.</summary>
    public static OpenCodeUsageException From(int code, string message, string path, string? what = null, Exception? inner = null) =>
        (code & 0xff) switch
        {
            NotADb => new OpenCodeUsageException(Invalid, FailureKind.InvalidData,
                $"'{path}' is not an SQLite database (or it is encrypted).", path, inner),
            SqliteCorrupt => new OpenCodeUsageException(Corrupt, FailureKind.InvalidData,
                $"'{path}' is damaged: {message}", path, inner),
            SqliteBusy or Locked => new OpenCodeUsageException(Busy, FailureKind.Unavailable,
                $"'{path}' is locked by another process; try again when it is released.", path, inner),
            CantOpen or Auth or Perm => new OpenCodeUsageException(Unreadable, FailureKind.ReadFailed,
                $"'{path}' cannot be opened: {message}", path, inner),
            _ => new OpenCodeUsageException(ReadFailed, FailureKind.ReadFailed,
                what is null ? $"Reading '{path}' failed: {message}" : $"Reading {what} from '{path}' failed: {message}", path, inner),
        };
}
