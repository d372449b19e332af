using System.Net;
using System.Text.Json.Nodes;
using OpenCodeUsage.Delegation;

namespace OpenCodeUsage.Server;

/// <summary>
/// Stops a session's running work through <c>opencode serve</c>: OpenCode 1.x <c>POST /session/{id}/abort</c>; where
/// the server does not know that route, 2.x <c>POST /api/session/{id}/interrupt</c>.
/// </summary>
public static class SessionInterrupt
{
    /// <returns>The route that answered: "abort" (1.x) or "interrupt" (2.x).</returns>
    public static async Task<string> InterruptAsync(Uri server, NetworkCredential? credential, string sessionId, string directory,
        Func<string, string?> environment, ActivityLog log, CancellationToken cancellationToken)
    {
        var id = Uri.EscapeDataString(sessionId);
        try
        {
            using var client = new ServerClient(new ServerOptions { BaseUri = server, UserName = credential?.UserName, Password = credential?.Password }, environment, log);
            var reply = await client.SendAsync(HttpMethod.Post, $"session/{id}/abort", directory, new JsonObject(), cancellationToken).ConfigureAwait(false);
            if (reply.Ok)
            {
                return "abort";
            }

            if (reply.Status == HttpStatusCode.NotFound)
            {
                var v2 = await client.SendAsync(HttpMethod.Post, $"api/session/{id}/interrupt", directory, new JsonObject(), cancellationToken).ConfigureAwait(false);
                ServerClient.Expect(v2, $"Interrupting session {sessionId}");
                return "interrupt";
            }

            ServerClient.Expect(reply, $"Aborting session {sessionId}");
            return "abort";
        }
        catch (ServerException ex)
        {
            throw new OpenCodeUsageException("SessionInterruptFailed", FailureKind.Unavailable, ex.Message, sessionId, ex);
        }
    }
}
