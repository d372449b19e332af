namespace OpenCodeUsage.Server;

/// <summary>Which API an <c>opencode serve</c> speaks, as told from what it answers.</summary>
public enum ServerGeneration
{
    /// <summary>OpenCode 1.x: <c>GET /global/health</c> answers with its version; routes at the root (/session, /event).</summary>
    V1,

    /// <summary>OpenCode 2.x: no <c>/global/health</c>, every route under <c>/api</c> (<c>GET /api/health</c>).</summary>
    V2,
}

/// <summary>What a server said it is: its generation and, where it tells, its version.</summary>
public sealed record ServerIdentity(ServerGeneration Generation, string? Version);
