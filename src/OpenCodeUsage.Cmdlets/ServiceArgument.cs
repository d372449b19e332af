using System.Management.Automation;
using System.Net;
using System.Security;

namespace OpenCodeUsage.Commands;

/// <summary>
/// Lets -Server take Get-OpenCodeService's output as an argument (<c>-Server (Get-OpenCodeService)</c>): the service
/// becomes its address, carrying the recorded password, which the cmdlet uses when no -Credential is given. Piped, the
/// service binds by property name instead (Url to -Server, Credential to -Credential).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ServiceArgumentAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
        (inputData is PSObject wrapped ? wrapped.BaseObject : inputData) is OpenCodeService service ? new ServiceAddress(service) : inputData;
}

/// <summary>A service's address with its recorded password kept beside it (never in the address itself).</summary>
internal sealed class ServiceAddress(OpenCodeService service) : Uri(service.Url.OriginalString)
{
    public SecureString? Password => service.Password;

    /// <summary>The credential to use with <paramref name="server"/>: the one given, else the service's recorded password (user opencode).</summary>
    public static NetworkCredential? CredentialFor(Uri? server, PSCredential? given) =>
        given is not null ? given.GetNetworkCredential()
        : server is ServiceAddress { Password: { } password } ? new NetworkCredential("opencode", password)
        : null;
}

/// <summary>The Credential property the types file gives OpenCodeService: its recorded password as a PSCredential (user opencode), null without one.</summary>
public static class ServiceCredential
{
    public static PSCredential? Of(PSObject instance) =>
        instance?.BaseObject is OpenCodeService { Password: { } password } ? new PSCredential("opencode", password) : null;
}
