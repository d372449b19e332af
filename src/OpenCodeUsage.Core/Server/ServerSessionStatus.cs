using System.Text.Json.Nodes;

namespace OpenCodeUsage.Server;

/// <summary>
/// Sessions' status as a running server says, exactly: what the database cannot show (waiting for a permission or
/// a question, retrying) and what it can only guess (a reply streaming). 1.x: <c>GET /session/status</c> (busy and
/// retrying sessions; absent means idle), <c>GET /permission</c>, <c>GET /question</c>, per project directory. 2.x:
/// <c>GET /api/session/active</c> (running sessions), <c>/api/permission/request</c>, <c>/api/question/request</c>.
/// </summary>
public static class ServerSessionStatus
{
    /// <summary>
    /// Sets Status (and, where the server's state is not the one the data told, StatusSince to when it was seen)
    /// on the sessions the server knows about: those of the projects it was asked about.
    /// </summary>
    public static async Task ApplyAsync(IReadOnlyList<Session> sessions, Uri server, string? userName, string? password,
        Func<string, string?> environment, ActivityLog? log, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (sessions.Count == 0)
        {
            return;
        }

        using var pending = new PendingRequests(server, userName, password, environment, log);
        var client = pending.Client;
        try
        {
            var identity = await client.IdentifyAsync(cancellationToken).ConfigureAwait(false);
            var seen = clock.GetUtcNow();
            // 1.x keeps state per project instance; 2.x answers for every session at once.
            var directories = identity.Generation == ServerGeneration.V1
                ? sessions.Select(s => s.Directory).Distinct(StringComparer.Ordinal).ToList()
                : [null];
            foreach (var directory in directories)
            {
                var states = await StatesAsync(client, identity, directory, cancellationToken).ConfigureAwait(false);
                foreach (var (sessionId, state) in await WaitingAsync(pending, directory, cancellationToken).ConfigureAwait(false))
                {
                    states[sessionId] = state;
                }

                foreach (var session in sessions.Where(s => identity.Generation == ServerGeneration.V2 || s.Directory == directory))
                {
                    // Absent means idle to the server; a failed last reply is still what the data says.
                    var status = states.TryGetValue(session.Id, out var s) ? s : session.Status == SessionStatus.Error ? SessionStatus.Error : SessionStatus.Idle;
                    if (status != session.Status)
                    {
                        session.Status = status;
                        session.StatusSince = status == SessionStatus.Idle ? session.Idle ?? session.Updated : seen;
                    }
                }
            }
        }
        catch (ServerException ex)
        {
            throw ex.ToUsageException(client.Display);
        }
    }

    private static async Task<Dictionary<string, SessionStatus>> StatesAsync(ServerClient client, ServerIdentity identity, string? directory, CancellationToken cancellationToken)
    {
        var states = new Dictionary<string, SessionStatus>(StringComparer.Ordinal);
        if (identity.Generation == ServerGeneration.V1)
        {
            var reply = ServerClient.Expect(await client.SendAsync(HttpMethod.Get, "session/status", directory, null, cancellationToken).ConfigureAwait(false), "Reading session status");
            foreach (var (id, status) in reply as JsonObject ?? [])
            {
                states[id] = (status?["type"] as JsonValue)?.GetValue<string>() switch
                {
                    "busy" => SessionStatus.Busy,
                    "retry" => SessionStatus.Retrying,
                    _ => SessionStatus.Idle,
                };
            }
        }
        else
        {
            var reply = ServerClient.Expect(await client.SendAsync(HttpMethod.Get, "api/session/active", null, null, cancellationToken).ConfigureAwait(false), "Reading active sessions");
            foreach (var (id, _) in reply?["data"] as JsonObject ?? [])
            {
                states[id] = SessionStatus.Busy; // SessionActive: {type: "running"}
            }
        }

        return states;
    }

    private static async Task<List<(string SessionId, SessionStatus State)>> WaitingAsync(PendingRequests pending, string? directory, CancellationToken cancellationToken)
    {
        var waiting = new List<(string, SessionStatus)>();
        waiting.AddRange((await pending.PermissionsAsync(directory, cancellationToken).ConfigureAwait(false)).Select(p => (p.SessionId, SessionStatus.WaitingPermission)));
        waiting.AddRange((await pending.QuestionsAsync(directory, cancellationToken).ConfigureAwait(false)).Select(q => (q.SessionId, SessionStatus.WaitingQuestion)));
        return waiting;
    }
}
