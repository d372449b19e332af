using OpenCodeUsage.Digest;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Sessions;

/// <summary>
/// A session's status as its data tells it. OpenCode writes a reply's row when the reply starts and completes it
/// when it ends, so an unfinished row (1.x: an assistant message without time.completed, finish or error; 2.x: a
/// step without finish) means Busy, even though nothing is written while it streams. Waiting for a permission or
/// a question and retrying are only known to a server.
/// </summary>
internal static class SessionState
{
    public static (SessionStatus Status, DateTimeOffset? Since) Of(SessionRecord session, SessionDigest digest)
    {
        var newest = digest.Rows.Length == 0 ? (long?)null : digest.Rows.Max(r => r.Created);
        if (digest.Unsettled)
        {
            // 1.x: the unfinished message is a row, the newest; 2.x keeps a step without usage out of the rows.
            return (SessionStatus.Busy, Time.FromUnixMilliseconds(Math.Max(newest ?? 0, session.Updated)));
        }

        if (session.IdleOutcome is { } outcome && outcome.Contains("error", StringComparison.OrdinalIgnoreCase))
        {
            return (SessionStatus.Error, Time.FromUnixMilliseconds(session.Idle ?? session.Updated));
        }

        if (digest.Latest() is { ErrorName: { } error } last && error != "MessageAbortedError")
        {
            return (SessionStatus.Error, Time.FromUnixMilliseconds(last.Created));
        }

        return (SessionStatus.Idle, Time.FromUnixMilliseconds(session.Idle ?? session.Updated));
    }
}
