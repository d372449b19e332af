using System.Security;

namespace OpenCodeUsage;

/// <summary>
/// The OpenCode 2.x background service as it registered itself (<c>$XDG_STATE_HOME/opencode/service.json</c>, the
/// 2.0 preview's <c>server.json</c> beside its <c>password</c> file), and whether it answers now. The server cmdlets
/// take it as -Server, from the pipeline or as an argument, and use its password without it being typed. The password
/// is only ever a SecureString (the Credential property, added by the module's types file, wraps it): never text.
/// </summary>
public sealed class OpenCodeService
{
    /// <summary>The address the service registered (http://127.0.0.1:4096 by default).</summary>
    public required Uri Url { get; init; }

    /// <summary>The OpenCode version the service says it serves (as recorded; the server's own word when it tells).</summary>
    public string? Version { get; init; }

    /// <summary>The service's process id, as recorded.</summary>
    public int Pid { get; init; }

    /// <summary>The recorded process is alive and the address answers GET /api/health (with the recorded password); false for a stale record.</summary>
    public bool Running { get; init; }

    /// <summary>"2.x", or what the running server answers as ("1.x" or "2.x").</summary>
    public required string Generation { get; init; }

    /// <summary>The registration file it was read from.</summary>
    public required string Path { get; init; }

    /// <summary>The service instance's id, as recorded.</summary>
    public string? InstanceId { get; init; }

    /// <summary>The recorded password (Basic auth, user opencode); null when the service needs none.</summary>
    public SecureString? Password { get; init; }

    // Never the password: ToString ends up in messages, logs and string interpolation.
    public override string ToString() => Url.ToString();
}
