using System.Net;
using System.Security;

namespace OpenCodeUsage.Credentials;

/// <summary>How a secret may be shown: masked, or as a SecureString.</summary>
internal static class SecretText
{
    private const int Prefix = 3;
    private const int Suffix = 4;

    /// <summary>
    /// At most the first 3 and last 4 characters ("sk-…9f3c"), and only when at least half the secret stays
    /// hidden; a shorter secret shows at most its last quarter, so a short key is never nearly given away.
    /// </summary>
    public static string Mask(string secret)
    {
        if (secret.Length >= 2 * (Prefix + Suffix))
        {
            return string.Concat(secret.AsSpan(0, Prefix), "…", secret.AsSpan(secret.Length - Suffix));
        }

        var shown = secret.Length / 4;
        return "…" + secret[(secret.Length - shown)..];
    }

    public static SecureString Secure(string secret)
    {
        var secure = new NetworkCredential(string.Empty, secret).SecurePassword;
        secure.MakeReadOnly();
        return secure;
    }

    public static Credential ToCredential(FoundCredential found, CredentialRole role, DateTimeOffset now) => new()
    {
        ProviderId = found.ProviderId,
        Type = found.Type,
        Role = role,
        Source = found.Source,
        MaskedValue = Mask(found.Secret),
        Secret = Secure(found.Secret),
        Expires = found.Expires,
        IsExpired = found.Type == CredentialType.OAuth ? found.Expires is { } expires && expires <= now : null,
        AccountId = found.AccountId,
        IsActive = found.Active,
    };
}
