using System.Text.RegularExpressions;

namespace OpenCodeUsage.Server;

/// <summary>A server address as it may be shown: any user name and password in it replaced, however malformed the rest is.</summary>
public static partial class ServerAddressText
{
    public static string WithoutCredentials(string address) => UserInfo().Replace(address, "${scheme}***@");

    public static string WithoutCredentials(Uri address) => WithoutCredentials(address.OriginalString);

    // Everything between "//" and the last "@" before the host's end: user, password, even an '@' inside them.
    [GeneratedRegex(@"(?<scheme>^[^/]*//)[^/?#]*@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();
}
