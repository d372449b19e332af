namespace OpenCodeUsage.Storage;

/// <summary>
/// The sessions a scan reads messages for, found from a row's session_id as SQLite holds it (UTF-8 bytes): a
/// million rows whose session changes every few rows would otherwise make a string per change.
/// </summary>
internal sealed class SessionOwners
{
    private readonly Dictionary<string, SessionRecord> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<int, SessionRecord[]> _byHash = new();

    public SessionOwners(IEnumerable<SessionRecord> sessions)
    {
        foreach (var session in sessions)
        {
            if (!_sessions.TryAdd(session.Id, session))
            {
                continue;
            }

            var hash = Utf8Text.Hash(session.Id);
            _byHash[hash] = _byHash.TryGetValue(hash, out var same) ? [.. same, session] : [session];
        }
    }

    public IReadOnlyCollection<string> Ids => _sessions.Keys;

    public SessionRecord? Find(string id) => _sessions.GetValueOrDefault(id);

    public SessionRecord? Find(ReadOnlySpan<byte> utf8)
    {
        if (_byHash.TryGetValue(Utf8Text.Hash(utf8), out var candidates))
        {
            foreach (var candidate in candidates)
            {
                if (Utf8Text.Same(candidate.Id, utf8))
                {
                    return candidate;
                }
            }
        }

        // Bytes that are not valid UTF-8 hash unlike the text they decode to (with U+FFFD, as the session id was read).
        return System.Text.Ascii.IsValid(utf8) ? null : Find(System.Text.Encoding.UTF8.GetString(utf8));
    }
}
