using System.Net;
using System.Text.Json.Nodes;
using OpenCodeUsage.Delegation;

namespace OpenCodeUsage.Server;

/// <summary>
/// Stops a session's running work through <c>opencode serve</c>, on the route of the server's generation as the one
/// client tells it: 1.x <c>POST /session/{id}/abort</c>, 2.x <c>POST /api/session/{id}/interrupt</c>.
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
            using var client = new ServerClient(server, credential?.UserName, credential?.Password, environment, log);
            var identity = await client.IdentifyAsync(cancellationToken).ConfigureAwait(false);
            var (route, path) = identity.Generation == ServerGeneration.V2
                ? ("interrupt", $"api/session/{id}/interrupt")
                : ("abort", $"session/{id}/abort");
            var reply = await client.SendAsync(HttpMethod.Post, path, directory, new JsonObject(), cancellationToken).ConfigureAwait(false);
            ServerClient.Expect(reply, $"Interrupting session {sessionId}");
            return route;
        }
        catch (ServerException ex)
        {
            throw new OpenCodeUsageException("SessionInterruptFailed", FailureKind.Unavailable, ex.Message, sessionId, ex);
        }
    }
}
