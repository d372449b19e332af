namespace OpenCodeUsage.Storage;

/// <summary>
/// The sessions a scan reads messages for, found from a row's session_id as SQLite holds it (UTF-8 bytes): a
/// million rows whose session changes every few rows would otherwise make a string per change.
/// </summary>
internal sealed class SessionOwners
{
    private readonly List<string> _ids;
    private readonly Dictionary<int, SessionRecord> _byHash;

    /// <summary>Sessions whose UTF-8 hashes to one already taken: next to none, so kept aside.</summary>
    private readonly List<(int Hash, SessionRecord Session)> _sharedHashes = [];

    public SessionOwners(IReadOnlyCollection<SessionRecord> sessions)
    {
        _ids = new List<string>(sessions.Count);
        _byHash = new Dictionary<int, SessionRecord>(sessions.Count);
        foreach (var session in sessions)
        {
            var hash = Utf8Text.Hash(session.Id);
            if (_byHash.TryGetValue(hash, out var taken))
            {
                if (taken.Id == session.Id || _sharedHashes.Exists(s => s.Session.Id == session.Id))
                {
                    continue; // named twice: read once
                }

                _sharedHashes.Add((hash, session));
            }
            else
            {
                _byHash[hash] = session;
            }

            _ids.Add(session.Id);
        }
    }

    public IReadOnlyCollection<string> Ids => _ids;

    public SessionRecord? Find(ReadOnlySpan<byte> utf8)
    {
        var hash = Utf8Text.Hash(utf8);
        if (_byHash.TryGetValue(hash, out var session))
        {
            if (Utf8Text.Same(session.Id, utf8))
            {
                return session;
            }

            foreach (var (other, candidate) in _sharedHashes)
            {
                if (other == hash && Utf8Text.Same(candidate.Id, utf8))
                {
                    return candidate;
                }
            }
        }

        // Bytes that are not valid UTF-8 hash unlike the text they decode to (with U+FFFD, as the session id was read).
        return System.Text.Ascii.IsValid(utf8) ? null : FindDecoded(System.Text.Encoding.UTF8.GetString(utf8));
    }

    private SessionRecord? FindDecoded(string id)
    {
        var hash = Utf8Text.Hash(id);
        if (_byHash.TryGetValue(hash, out var session) && session.Id == id)
        {
            return session;
        }

        return _sharedHashes.FirstOrDefault(s => s.Hash == hash && s.Session.Id == id).Session;
    }
}
